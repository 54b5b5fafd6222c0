"""Collections by mandate in the browser (issue 15 item 10; SPEC PAY-1): the province registers
a water company (its token shown once); the holder signs a mandate in the hall, is refused a
limit with three decimals next to the field, sees the company's debit, and revokes the
mandate, after which the company's next debit is refused."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.browser.test_hall_ecard import _sign_in
from tests.integration.payments.test_batches import active_card
from tests.integration.payments.test_collections import debit
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, sign_in


async def test_the_holder_signs_sees_and_revokes_a_mandate(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    province = await make_staff(rt, "sun.payees", Role.PROVINCE_ADMIN)
    page = await new_page(browser)
    await sign_in(page, base, province, clock)
    await page.goto(f"{base}/centre/payments")
    await page.get_by_label("收费单位代码").fill("3204-WATER")
    await page.get_by_label("中文名称").last.fill("常州自来水")
    await page.get_by_label("英文名称").last.fill("Changzhou water")
    await page.get_by_label("收费类别").select_option("water")
    await page.get_by_role("button", name="登记收费单位").click()
    token = await page.locator("#payee-token").inner_text()
    assert token.startswith("ssc_")
    api.tokens["water"] = token
    await assert_accessible(page)

    card = await active_card(api)
    holder = await new_page(browser)
    await _sign_in(holder, base, api, card["document"]["number"])
    await holder.goto(f"{base}/hall/me")
    await holder.get_by_role("link", name="代扣服务").click()
    await holder.get_by_label("收费单位").select_option("3204-WATER")
    await holder.get_by_label("缴费户号").fill("W-0001")
    await holder.get_by_label("每月上限（元）").fill("300.005")
    await holder.get_by_role("button", name="签约", exact=True).click()
    await expect(holder.locator("#e-max_amount_yuan")).to_contain_text("至多两位小数")
    await holder.get_by_label("每月上限（元）").fill("300")
    await holder.get_by_role("button", name="签约", exact=True).click()
    await expect(holder.get_by_role("status")).to_contain_text("已签约代扣")
    mandates = holder.get_by_role("table", name="我的代扣协议")
    await expect(mandates).to_contain_text("常州自来水")
    await assert_accessible(holder)

    [m] = (await api.get("/api/v1/me/mandates", await api.cardholder(card["person_id"]))).json()
    r = await debit(api, "water", m["reference"], 8_850, "BILL-11")
    assert r.status_code == 201, r.text
    await holder.reload()
    await expect(mandates).to_contain_text(m["reference"])  # the payee debits under it
    taken = holder.get_by_role("table", name="扣款记录")
    await expect(taken).to_contain_text("88.50 元")
    await expect(taken).to_contain_text("常州自来水")
    await holder.get_by_role("button", name="解约户号W-0001").click()
    await expect(holder.get_by_role("status")).to_contain_text("已解约")
    r = await debit(api, "water", m["reference"], 100, "BILL-12")
    assert (r.status_code, r.json()["code"]) == (409, "mandate_not_active")
