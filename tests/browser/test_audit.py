"""The auditor in the browser (issue 12 item 7, SPEC GOV-5, ID-6): the access log after a clerk's
read made through the API, filtered like the API; the chains verified (and a tampered one shown);
the history of a card and of an application. Read only: no page holds a form that changes."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect
from sqlalchemy import update

from sscard.kernel.actor import OPERATOR, Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from sscard.platform.access.models import access_log
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, screenshot, sign_in


async def _read_only(page: Page) -> None:
    """Nothing on an auditor's page posts, but the sign-out in the page's header."""
    await expect(page.locator("main form[method=post]")).to_have_count(0)


async def test_the_auditor_reads_the_log_of_a_clerks_read_and_verifies_the_chains(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    person = await api.person("clerk_instant", photo=False)
    pid = person["person_id"]
    assert (await api.get(f"/api/v1/persons/{pid}", "clerk_instant")).status_code == 200
    auditor = await make_staff(rt, "au.li", Role.AUDITOR)
    api.tokens[auditor.username] = auditor.token
    logged = await api.get("/api/v1/access-log", auditor.username, params={"person_id": pid})
    stored = logged.json()["items"]
    assert [e["purpose"] for e in stored][-1] == "presented_earlier"  # the clerk's read

    page = await new_page(browser)
    await sign_in(page, base, auditor, clock)
    await expect(page).to_have_url(re.compile(r"/audit$"))
    # Bad input in a filter: the API's bound, by the field, typed text kept, nothing listed.
    await page.get_by_label("人员编号").fill("0")
    await page.get_by_role("button", name="筛选").click()
    await expect(page.locator("#e-person_id")).to_be_visible()
    await expect(page.get_by_label("人员编号")).to_have_value("0")
    await expect(page.locator("#access-log")).to_have_count(0)

    await page.get_by_label("人员编号").fill(str(pid))
    await page.get_by_role("button", name="筛选").click()
    rows = page.locator("#access-log tbody tr")
    await expect(rows).to_have_count(len(stored))
    await expect(rows.last).to_contain_text("网点柜员")
    await expect(rows.last).to_contain_text("当日已出示证件")
    await assert_accessible(page)
    await _read_only(page)
    await screenshot(page, "55-audit-access-log")
    # A moment typed without a zone is Beijing time: the reads were at 10:00 there.
    await page.get_by_label("起始时间").fill("2026-11-23T10:01")
    await page.get_by_role("button", name="筛选").click()
    await expect(rows).to_have_count(1)
    await expect(rows).to_contain_text("没有符合条件的查阅记录")
    await page.get_by_label("起始时间").fill("2026-11-23T10:00")
    await page.get_by_role("button", name="筛选").click()
    await expect(rows).to_have_count(len(stored))

    await page.get_by_role("link", name="校验日志链").click()
    verified = (await api.get("/api/v1/access-log/verify", auditor.username)).json()
    assert verified["intact"]
    await expect(page.locator("#verdict")).to_contain_text("全部日志链校验通过")
    await expect(page.locator("tbody tr")).to_have_count(len(verified["chains"]))

    # Someone with database access rewrites why a read was made: the chain shows where.
    async with rt.unit(OPERATOR) as ctx:
        await ctx.conn.execute(
            update(access_log).where(access_log.c.id == stored[-1]["id"]).values(purpose="audit")
        )
    await page.reload()
    await expect(page.locator("#verdict")).to_contain_text("部分日志链校验不通过")
    broken = [c for c in (await api.get("/api/v1/access-log/verify", "auditor")).json()["chains"]]
    broken = [c for c in broken if c["broken_at"] is not None]
    assert [c["chain"] for c in broken] == [stored[-1]["chain"]]
    row = page.locator("tbody tr", has_text=stored[-1]["chain"])
    await expect(row).to_contain_text(f"断裂于序号 {broken[0]['broken_at']}")
    await assert_accessible(page)
    await _read_only(page)
    await screenshot(page, "56-audit-chain-broken")


async def test_the_auditor_reads_a_cards_and_an_applications_history(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC CH-2: every change, who made it through which channel; the auditor's read of a
    card's history is itself logged, on the ground of an audit (GOV-5)."""
    card = await api.card()
    n = card["card_number"]
    assert (await api.card_post(n, "temporary-loss", "hotline", {"reason": "来电挂失"})).is_success
    auditor = await make_staff(rt, "au.zhang", Role.AUDITOR)
    api.tokens[auditor.username] = auditor.token
    stored = (await api.get(f"/api/v1/cards/{n}/history", "admin")).json()

    page = await new_page(browser)
    await sign_in(page, base, auditor, clock)
    await page.get_by_role("link", name="卡片或申领的操作记录").click()
    await page.get_by_label("卡号").fill("Z99999999")
    await page.get_by_role("button", name="查看操作记录").click()
    await expect(page.locator("#e-card_number")).to_contain_text("卡片不存在")
    await expect(page.get_by_label("卡号")).to_have_value("Z99999999")

    await page.get_by_label("卡号").fill(n.lower())
    await page.get_by_role("button", name="查看操作记录").click()
    rows = page.locator("#history tbody tr")
    await expect(rows).to_have_count(len(stored))
    await expect(rows.last).to_contain_text("临时挂失")
    await expect(rows.last).to_contain_text("12333坐席")
    await expect(rows.last).to_contain_text("来电挂失")
    await assert_accessible(page)
    await _read_only(page)
    await screenshot(page, "57-audit-card-history")
    mine = await api.get(
        "/api/v1/access-log", auditor.username, params={"actor_id": auditor.actor_id}
    )
    assert [(e["subject_kind"], e["subject_key"], e["purpose"]) for e in mine.json()["items"]] == [
        ("card_history", n, "audit")
    ]

    await page.get_by_label("卡号").fill("")
    await page.get_by_label("申领编号").fill(card["reference"])
    await page.get_by_role("button", name="查看操作记录").click()
    app_history = await api.get(f"/api/v1/applications/{card['reference']}/history", "admin")
    await expect(rows).to_have_count(len(app_history.json()))
    await expect(page.locator("#history")).to_contain_text("申领已受理")
