"""The medical personal accounts at the card centre in the browser (issue 14 item 9; SPEC
MED-2): the province sees the fund's credit counted and listed, finds it by the fund's
reference, and is told plainly of a reference the fund never credited."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.integration.medical.test_medical import credit, fund
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, sign_in


async def test_the_province_reconciles_the_funds_credits(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    await fund(api)
    card = await api.card()
    assert (await credit(api, card["document"]["number"], 12345, "FUND-2026-1"))["outcome"] == (
        "credited"
    )
    province = await make_staff(rt, "qian.medical", Role.PROVINCE_ADMIN)
    page = await new_page(browser)
    await sign_in(page, base, province, clock)
    await page.goto(f"{base}/centre")
    await page.get_by_role("link", name="医保个人账户").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("医保个人账户")
    totals = page.get_by_role("table", name="近30天收支（按类别）")
    await expect(totals.get_by_role("row", name="基金划入")).to_contain_text("123.45")
    await expect(page.get_by_role("table", name="医保基金最近的划入")).to_contain_text(
        "FUND-2026-1"
    )
    await expect(page.get_by_role("main")).not_to_contain_text(card["document"]["number"])
    await assert_accessible(page)
    await page.get_by_label("基金划入参考号").fill("FUND-2026-1")
    await page.get_by_role("button", name="查找", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("123.45元")
    await page.get_by_label("基金划入参考号").fill("FUND-NEVER")
    await page.get_by_role("button", name="查找", exact=True).click()
    await expect(page.locator("#e-reference")).to_be_visible()
    await assert_accessible(page)
