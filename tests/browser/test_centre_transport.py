"""The transport clearing at the card centre in the browser (issue 15 items 3 and 5; SPEC
TRN-1, TRN-3): a Changzhou card rides in Suzhou online and in Changzhou off line; the province
sees the day's fares by operator and what Changzhou's cards owe Suzhou's operator, then opens
the operator's offline file and reads the line that was a duplicate."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.integration.scenes.support import scene
from tests.integration.transport.test_clearing_files import AT, upload
from tests.integration.transport.test_fares import ride, topped_up
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, sign_in


async def test_the_province_reads_the_days_clearing_and_a_file(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    n = await topped_up(api, 2000)
    suzhou = await scene(api, "transit", "BUS3205000201", city="3205")
    assert (await ride(suzhou, n, 200, 2, 1))["charged_fen"] == 200
    changzhou = await scene(api, "transit", "BUS3204000201", city="3204")
    lines = [f"T1,1,{n},3,bus,200,{AT}", f"T1,1,{n},3,bus,200,{AT}"]
    assert (await upload(changzhou, lines, "OFF-B1")).status_code == 201
    province = await make_staff(rt, "li.transport", Role.PROVINCE_ADMIN)
    page = await new_page(browser)
    await sign_in(page, base, province, clock)
    await page.goto(f"{base}/centre")
    await page.get_by_role("link", name="交通联合清算").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("交通联合清算")
    between = page.get_by_role("table", name="城市间结算")
    await expect(between.get_by_role("row").nth(1)).to_contain_text("苏州市")
    await expect(between.get_by_role("row").nth(1)).to_contain_text("2.00 元")
    await expect(between).not_to_contain_text("3205")
    await assert_accessible(page)
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="下载当日清算文件（CSV）").click()
    download = await downloading.value
    saved = await download.path()
    assert saved is not None
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("operator_code,city_code,card_city_code,mode")
    assert ",3205,3204,bus,1,200," in text
    await page.get_by_label("日期").fill("2026-13-01")
    await page.get_by_role("button", name="显示").click()
    await expect(page.locator("#e-day")).to_be_visible()
    await page.get_by_role("link", name="1", exact=True).first.click()
    await expect(page.locator("#file-applied")).to_contain_text("1 · 1.20")
    await expect(page.get_by_role("main")).to_contain_text("重复上传")
    await expect(page.get_by_role("main")).not_to_contain_text(n)
    await assert_accessible(page)
