"""The bank outlet counter in the browser (issue 12 item 5): a formal loss and its unlock with the
card's city's rule shown, and the unlock refused before it is sent where that rule refuses it."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, screenshot, sign_in


async def _open_card(page: Page, document: str, number: str) -> None:
    await page.get_by_label("持卡人社会保障号码").fill(document)
    await page.get_by_role("button", name="查询持卡人").click()
    await page.get_by_role("link", name=number).click()


async def test_formal_loss_and_its_unlock_at_the_outlet_suzhou_requires(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC LOSS-2 (at the card's bank, both functions), LOSS-3 / CITY-3 (Suzhou: the unlock
    only at the outlet that took the loss; another ICBC outlet is refused before it sends)."""
    card = await api.card("clerk_suzhou_icbc", "ICBC", city_code="3205")
    n, document = card["card_number"], card["document"]["number"]
    suzhou = await make_staff(rt, "bk.su", Role.OUTLET_CLERK, outlet_code="3205-BANK-002")
    page = await new_page(browser)
    await sign_in(page, base, suzhou, clock)
    await expect(page).to_have_url(re.compile(r"/bank$"))
    await _open_card(page, document, n)
    await expect(page.locator("#unlock-scope")).to_have_text("仅限受理挂失的原网点")
    await expect(page.locator("#city-rule")).to_contain_text("苏州")

    reason = page.locator("#f-formal_loss-reason")
    await reason.fill("失" * 201)  # longer than the API takes
    await page.get_by_role("button", name="办理正式挂失").click()
    await expect(page.locator("#e-formal_loss-reason")).to_contain_text("200")
    await expect(reason).to_have_value("失" * 201)
    assert (await api.card_state(n))["hr_status"] == "active"
    await reason.fill("持卡人到柜面挂失")
    await page.get_by_role("button", name="办理正式挂失").click()
    await expect(page.locator(".notice")).to_contain_text("已办理正式挂失")
    await expect(page.locator("#hr-status")).to_have_text("正式挂失")
    state = await api.card_state(n)
    assert (state["hr_status"], state["financial_status"]) == ("formally_lost", "lost")

    # Another ICBC outlet, in Nanjing: the province would allow it, Suzhou's policy does not.
    nanjing = await make_staff(rt, "bk.nj", Role.OUTLET_CLERK, outlet_code="3201-BANK-001")
    other = await new_page(browser)
    await sign_in(other, base, nanjing, clock)
    await _open_card(other, document, n)
    unlock = other.get_by_role("region", name="解挂（LOSS-3）")
    await expect(unlock.locator(".unmet")).to_contain_text("本市规定须回原挂失网点")
    await expect(unlock.get_by_role("button", name="解挂")).to_have_count(0)
    await expect(other.get_by_role("region", name="正式挂失（LOSS-2）")).to_contain_text(
        "卡片当前状态为“正式挂失”，不能办理“正式挂失”"
    )
    await assert_accessible(other)
    await screenshot(other, "51-bank-unlock-refused-by-city-rule")
    assert (await api.card_state(n))["hr_status"] == "formally_lost"

    await page.reload()
    await page.get_by_role("button", name="解挂").click()
    await expect(page.locator(".notice")).to_contain_text("已解挂")
    await expect(page.locator("#hr-status")).to_have_text("正常")
    await assert_accessible(page)
    await screenshot(page, "50-bank-unlocked")
    state = await api.card_state(n)
    assert (state["hr_status"], state["financial_status"]) == ("active", "account_requested")
    history = (await api.get(f"/api/v1/cards/{n}/history", "admin")).json()
    assert [(h["event"], h["channel"], h["reason"]) for h in history[-2:]] == [
        ("report_formal_loss", "bank_outlet", "持卡人到柜面挂失"),
        ("unlock", "bank_outlet", None),
    ]


async def test_another_banks_outlet_cannot_take_the_formal_loss(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC LOSS-2: only an outlet of the card's bank; the Bank of Suzhou is told so before it
    sends, and a form sent anyway is refused by the same rule, nothing stored."""
    card = await api.card("clerk_suzhou_icbc", "ICBC", city_code="3205")
    n = card["card_number"]
    szb = await make_staff(rt, "bk.szb", Role.OUTLET_CLERK, outlet_code="3205-BANK-001")
    page = await new_page(browser)
    await sign_in(page, base, szb, clock)
    # A number cut short: the lookup's own refusal by the field, what was typed kept.
    await page.get_by_label("持卡人社会保障号码").fill("3205")
    await page.get_by_role("button", name="查询持卡人").click()
    await expect(page.locator("#e-social_security_number")).to_contain_text("至少15个字符")
    await expect(page.get_by_label("持卡人社会保障号码")).to_have_value("3205")
    await _open_card(page, card["document"]["number"], n)
    region = page.get_by_role("region", name="正式挂失（LOSS-2）")
    await expect(region.locator(".unmet")).to_contain_text("ICBC")
    await assert_accessible(page)
    await screenshot(page, "52-bank-not-the-cards-bank")
    before = await api.counts()
    token = await page.locator("input[name=csrf_token]").first.get_attribute("value")
    posted = await page.request.post(
        f"{base}/bank/cards/{n}/formal-loss", form={"csrf_token": token or "", "reason": ""}
    )
    assert posted.status == 403
    assert "本卡发卡银行" in await posted.text()
    assert await api.counts() == before
    assert (await api.card_state(n))["hr_status"] == "active"
