"""The 12333 hotline desk in the browser (issue 12 item 4): the caller's number finds their card,
its state and the application's progress; a temporary loss with its 7-day lift, an unlock."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from playwright.async_api import Browser, Page, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from sscard.web.pages.hotline import moment
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, screenshot, sign_in

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


async def _history(api: Api, number: str) -> list[tuple[str, str]]:
    r = await api.get(f"/api/v1/cards/{number}/history", "admin")
    assert r.status_code == 200, r.text
    return [(h["event"], h["channel"]) for h in r.json()]


async def _find(page: Page, number: str) -> None:
    await page.get_by_label("来电人社会保障号码").fill(number)
    await page.get_by_role("button", name="查询来电人").click()


async def test_temporary_loss_shows_the_moment_it_lifts_by_itself_and_is_unlocked(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC LOSS-1 (hotline, 7 days, lifts by itself), LOSS-3 (unlocked by the hotline)."""
    card = await api.card()
    n = card["card_number"]
    agent = await make_staff(rt, "hl.zhou", Role.HOTLINE_AGENT, city_code="3204")
    page = await new_page(browser)
    await sign_in(page, base, agent, clock)
    await expect(page).to_have_url(re.compile(r"/hotline$"))
    # Read out digit by digit, typed in full-width digits with spaces: the API's normalisation.
    spoken = " ".join(card["document"]["number"].translate(FULL_WIDTH))
    await _find(page, spoken)
    await expect(page.get_by_role("heading", name=re.compile("来电人"))).to_be_visible()
    await page.get_by_role("link", name=n).click()
    await expect(page.locator("#hr-status")).to_have_text("正常")
    await expect(page.locator("#bank-hotline")).to_contain_text("95588")  # ICBC's, LOSS-1
    await expect(page.get_by_role("button", name="解挂")).to_have_count(0)  # SPEC LOSS-3
    await expect(page.locator("#h-unlock ~ .unmet")).to_contain_text(
        "卡片当前状态为“正常”，不能办理“解挂”"
    )

    # A reason longer than the API takes: refused by the field, kept, nothing stored.
    loss_form = page.locator("#f-temporary_loss-reason")
    await loss_form.fill("丢" * 201)
    await page.get_by_role("button", name="办理临时挂失").click()
    await expect(page.locator("#e-temporary_loss-reason")).to_contain_text("200")
    await expect(loss_form).to_have_value("丢" * 201)
    assert (await api.card_state(n))["hr_status"] == "active"

    await loss_form.fill("来电称卡片遗失")
    await page.get_by_role("button", name="办理临时挂失").click()
    await expect(page.locator(".notice")).to_contain_text("已办理临时挂失")
    await expect(page.locator("#hr-status")).to_have_text("临时挂失")
    lifts = clock.now() + timedelta(days=7)
    await expect(page.locator("#lifts-at strong")).to_have_text(moment(lifts))
    await assert_accessible(page)
    await screenshot(page, "47-hotline-temporary-loss")
    state = await api.card_state(n)
    assert state["hr_status"] == "temporarily_lost"
    assert state["loss"]["until"].startswith(lifts.isoformat()[:19])

    await page.get_by_role("button", name="解挂").click()
    await expect(page.locator("#hr-status")).to_have_text("正常")
    assert (await api.card_state(n))["hr_status"] == "active"
    assert (await _history(api, n))[-2:] == [
        ("report_temporary_loss", "hotline"),
        ("unlock", "hotline"),
    ]

    # Taken again and left alone, it lifts by itself at the very moment shown (LOSS-1).
    await page.get_by_role("button", name="办理临时挂失").click()
    lifts = clock.now() + timedelta(days=7)
    await expect(page.locator("#lifts-at strong")).to_have_text(moment(lifts))
    clock.advance(lifts - clock.now() - timedelta(seconds=1))
    assert (await api.card_state(n))["hr_status"] == "temporarily_lost"
    clock.advance(timedelta(seconds=1))
    assert (await api.card_state(n))["hr_status"] == "active"


async def test_the_caller_hears_their_applications_progress_and_due_date(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC APP-7: progress (accepted, in production) and the due date, as the API says."""
    app = await api.applied("clerk_fast")
    assert (await api.step(app["reference"], "start-production")).status_code == 200
    agent = await make_staff(rt, "hl.qian", Role.HOTLINE_AGENT, city_code="3204")
    page = await new_page(browser)
    await sign_in(page, base, agent, clock)
    await _find(page, api.numbers[app["person_id"]])
    stored: dict[str, Any] = (
        await api.get(f"/api/v1/applications/{app['reference']}", "admin")
    ).json()
    section = page.get_by_role("region", name="办理中的申领")
    await expect(section).to_contain_text(app["reference"])
    await expect(section).to_contain_text("制卡中")
    await expect(section).to_contain_text(stored["due_date"])
    await expect(section.locator("ol li")).to_have_count(len(stored["progress"]))
    await expect(page.get_by_role("region", name="卡片")).to_contain_text("名下没有社会保障卡")
    await assert_accessible(page)
    await screenshot(page, "46-hotline-application-progress")


async def test_an_agent_the_caller_did_not_call_reaches_nothing_by_card_number(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """Issue 11: a Nanjing agent with only a Changzhou card's number is answered 'not found',
    by the page and by a form posted to it; nothing is changed or logged."""
    card = await api.card()
    n = card["card_number"]
    await api.present_holder(n, "hotline")  # the caller gave their number to another agent
    nanjing = await make_staff(rt, "hl.wu", Role.HOTLINE_AGENT, city_code="3201")
    page = await new_page(browser)
    await sign_in(page, base, nanjing, clock)
    before = await api.counts()
    reads = await api.count("access_log")
    answer = await page.goto(f"{base}/hotline/cards/{n}")
    assert answer is not None
    assert answer.status == 404
    await expect(page.get_by_role("alert")).to_contain_text("卡片不存在")
    await assert_accessible(page)
    await screenshot(page, "48-hotline-other-agent-refused")
    token = await page.locator("input[name=csrf_token]").first.get_attribute("value")
    posted = await page.request.post(
        f"{base}/hotline/cards/{n}/temporary-loss", form={"csrf_token": token or "", "reason": ""}
    )
    assert posted.status == 404
    assert (await api.card_state(n))["hr_status"] == "active"
    assert await api.counts() == before
    assert await api.count("access_log") == reads + 1  # the admin's read of the state above


async def test_bad_input_in_the_document_field_is_refused_by_the_field(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """The lookup's own schema and use case: too short, then a number nobody holds; the text is
    kept and nothing is read or logged (SPEC ID-6)."""
    agent = await make_staff(rt, "hl.sun", Role.HOTLINE_AGENT, city_code="3204")
    page = await new_page(browser)
    await sign_in(page, base, agent, clock)
    await _find(page, "3204 1990")
    field = page.get_by_label("来电人社会保障号码")
    await expect(page.locator("#e-social_security_number")).to_contain_text("至少15个字符")
    await expect(field).to_have_value("3204 1990")
    await expect(field).to_have_attribute("aria-invalid", "true")
    await assert_accessible(page)
    await screenshot(page, "45-hotline-bad-number")
    await _find(page, "110101199003070011")
    await expect(page.locator("#e-social_security_number")).to_contain_text("人员不存在")
    await expect(field).to_have_value("110101199003070011")
    # In English, the same refusal in English.
    await page.get_by_role("button", name="English").click()
    await page.get_by_label("Caller's social security number").fill("3204")
    await page.get_by_role("button", name="Find the caller").click()
    await expect(page.locator("#e-social_security_number")).to_contain_text("15")
    await expect(page.get_by_label("Caller's social security number")).to_have_value("3204")
    assert await api.count("access_log") == 0
