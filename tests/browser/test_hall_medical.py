"""The medical account in the online hall (issue 14 item 9; SPEC MED-1, MED-2): the holder
reads the balance the fund credited and a hospital's settlement took, files for treatment in
another city (a bad filing is refused on its field), and ends the filing."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.async_api import Browser, expect

from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.browser.test_hall_ecard import _sign_in
from tests.integration.medical.test_medical import credit, fund, set_pin, settle
from tests.integration.scenes.support import scene
from tests.support.api import Api
from tests.support.console import assert_accessible, new_page, outside_requests, record_outside


async def test_the_holder_reads_the_account_and_files_for_another_city(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    await fund(api)
    card = await api.card()
    await set_pin(api, card)
    await credit(api, card["document"]["number"], 12345, "HALL-1")
    hospital = await scene(api, "hospital", "H32040000077")
    paid = await settle(hospital, "V1", 2000, 1500, card_number=card["card_number"],
                        hr_password="583920")  # fmt: skip
    assert paid["account_fen"] == 500
    page = await new_page(browser)
    record_outside(page, base)
    await _sign_in(page, base, api, card["document"]["number"])
    await page.get_by_role("link", name="我的医保个人账户").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("我的医保个人账户")
    await expect(page.get_by_test_id("medical-balance")).to_have_text("118.45")
    entries = page.get_by_role("table", name="账户明细")
    await expect(entries).to_contain_text("定点医药机构结算支付")
    await expect(entries).to_contain_text("-5.00")
    await assert_accessible(page)

    today = clock.now().date()
    await page.get_by_label("备案地（城市或省份代码）").fill("3204")  # home: refused
    await page.get_by_label("开始日期").fill(str(today))
    await page.get_by_label("有效至").fill(str(today + timedelta(days=30)))
    await page.get_by_role("button", name="提交备案").click()
    await expect(page.get_by_role("alert").first).to_contain_text("参保地")
    await page.get_by_label("备案地（城市或省份代码）").fill("31")
    await page.get_by_role("button", name="提交备案").click()
    await expect(page.get_by_role("status")).to_contain_text("备案已登记")
    filings = page.get_by_role("table", name="备案记录")
    await expect(filings).to_contain_text("临时外出就医")
    await expect(filings).to_contain_text("今日有效")
    await filings.get_by_role("button", name=re.compile("终止备案")).click()
    await expect(page.get_by_role("status")).to_contain_text("备案已终止")
    await expect(filings).to_contain_text("已终止")
    assert outside_requests(page) == []


async def test_a_clerk_reads_the_account_and_files_for_the_holder(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """MED-1 at the counter: the document shown, the clerk files for Suzhou and ends it."""
    from sscard.kernel.actor import Role
    from tests.support.console import make_staff, sign_in

    card = await api.card()
    clerk = await make_staff(rt, "ma.counter", Role.OUTLET_CLERK, outlet_code="3204-HR-002")
    page = await new_page(browser)
    await sign_in(page, base, clerk, clock)
    await page.get_by_label("社会保障号码或身份证号码").fill(card["document"]["number"])
    await page.get_by_role("button", name="查找", exact=True).click()
    await page.get_by_role("link", name=re.compile("医保个人账户与异地就医备案")).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("医保个人账户与异地就医备案")
    await expect(page.get_by_test_id("medical-balance")).to_have_text("0.00")
    await page.get_by_label("备案地（城市或省份代码）").fill("3205")
    today = clock.now().date()
    await page.get_by_label("开始日期").fill(str(today))
    await page.get_by_label("有效至").fill(str(today + timedelta(days=60)))
    await page.get_by_role("button", name="提交备案").click()
    await expect(page.get_by_role("status")).to_contain_text("备案已登记")
    await assert_accessible(page)
    filings = page.get_by_role("table", name="备案记录")
    await filings.get_by_role("button", name=re.compile("终止备案")).click()
    await expect(page.get_by_role("status")).to_contain_text("备案已终止")
    holder = await api.cardholder(card["person_id"])
    mine = (await api.get("/api/v1/me/medical", holder)).json()
    assert [f["destination_code"] for f in mine["filings"]] == ["3205"]
    assert mine["filings"][0]["ended_at"] is not None
