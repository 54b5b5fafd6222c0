"""The HR outlet counter's card procedures in the browser (issue 12 item 2): the card page,
replacement, exchange, temporary medical card, hr password on the PIN pad, city transfer in two
steps, cancellation with its checklist. Each journey starts from sign-in and checks both what
the clerk sees and what was stored."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, Page, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.console import (
    StaffMember,
    assert_accessible,
    make_staff,
    new_page,
    outside_requests,
    record_outside,
    screenshot,
    sign_in,
)

CHANGZHOU_HR = "3204-HR-001"  # instant making, every HR operation


async def _clerk(rt: Runtime, api: Api, username: str, outlet: str = CHANGZHOU_HR) -> StaffMember:
    clerk = await make_staff(rt, username, Role.OUTLET_CLERK, outlet_code=outlet)
    api.tokens[clerk.username] = clerk.token
    return clerk


async def _signed_in(browser: Browser, base: str, clerk: StaffMember, clock: ManualClock) -> Page:
    page = await new_page(browser)
    record_outside(page, base)
    await sign_in(page, base, clerk, clock)
    return page


async def _state(api: Api, number: str) -> dict[str, Any]:
    return await api.card_state(number)


async def test_replacement_after_a_formal_loss(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC REP-1, LOSS-4: refused before the form while the card is active (dry run), accepted
    after a formal loss at the bank; the old card is superseded, the new one made on the spot."""
    clerk = await _clerk(rt, api, "qian.bu")
    card = await api.card(clerk.username)
    n = card["card_number"]
    page = await _signed_in(browser, base, clerk, clock)

    await page.goto(f"{base}/counter/cards/{n}")
    await expect(page.get_by_role("heading", name=f"卡片 {n}")).to_be_visible()
    await expect(page.locator(".facts")).to_contain_text("正常")
    await expect(page.get_by_role("link", name="人员页面")).to_have_attribute(
        "href", f"/counter/persons/{card['person_id']}"
    )
    await assert_accessible(page)
    await page.get_by_role("link", name="补卡").click()
    # SPEC REP-1: shown before anything is sent, from the use case itself.
    await expect(page.locator(".unmet")).to_contain_text("补卡须先办理正式挂失")
    await expect(page.locator(".unmet")).to_contain_text("REP-1")
    await assert_accessible(page)

    r = await api.card_post(n, "formal-loss", "clerk_nanjing_bank")
    assert r.status_code == 200, r.text
    await page.reload()
    await expect(page.locator(".unmet")).to_have_count(0)
    await page.get_by_role("button", name="受理补卡").click()
    await expect(page.get_by_role("heading", name="补卡已受理")).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text("待领取")
    await assert_accessible(page)
    await screenshot(page, "30-counter-card-replacement")

    assert (await _state(api, n))["hr_status"] == "superseded"
    person = (await api.get(f"/api/v1/persons/{card['person_id']}", "admin")).json()
    assert person["open_application"] is not None
    assert outside_requests(page) == []
