"""The card centre's production queue in the browser: a batch started, finished with one item
refused, delivered (issue 12 item 6; SPEC APP-7, ISS-1)."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, screenshot, sign_in


async def _status(api: Api, reference: str) -> str:
    r = await api.get(f"/api/v1/applications/{reference}", "admin")
    assert r.status_code == 200, r.text
    return str(r.json()["status"])


async def _tick(page: Page, *references: str) -> None:
    for reference in references:
        await page.get_by_label(f"选择 {reference}").check()


async def test_a_batch_is_started_finished_and_delivered_each_refusal_shown_by_its_item(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    """SPEC ISS-1, APP-7: one submit moves every ticked application one step; an item that
    cannot move is refused with its reason and the others are done."""
    refs = [(await api.applied("clerk_fast"))["reference"] for _ in range(3)]
    admin = await make_staff(rt, "zhou.centre", Role.CENTRE_ADMIN, city_code="3204")
    page = await new_page(browser)
    await sign_in(page, base, admin, clock)
    await expect(page).to_have_url(re.compile(r"/centre$"))
    await expect(page.get_by_role("heading", name="卡管中心", exact=True)).to_be_visible()
    await assert_accessible(page)

    await page.get_by_role("link", name="制卡队列").first.click()
    await expect(page.get_by_role("table")).to_contain_text(refs[0])
    await _tick(page, *refs)
    await page.get_by_role("button", name="开始制卡").click()
    await expect(page.get_by_role("status").first).to_contain_text("已完成 (3)")
    assert [await _status(api, r) for r in refs] == ["in_production"] * 3

    await page.get_by_role("link", name="制卡中", exact=True).click()
    await _tick(page, *refs)
    # Meanwhile another administrator finishes the first one: it can no longer be finished.
    assert (await api.step(refs[0], "finish-production")).status_code == 200
    await page.get_by_role("button", name="完成制卡").click()
    refused = page.get_by_role("alert")
    await expect(refused).to_contain_text("不予办理 (1)")
    await expect(refused).to_contain_text(f"{refs[0]}: 申领当前状态为“已制卡”，不能执行“完成制卡”")
    await expect(page.get_by_role("status").first).to_contain_text("已完成 (2)")
    await assert_accessible(page)
    await screenshot(page, "60-centre-production-batch")
    assert [await _status(api, r) for r in refs] == ["produced"] * 3

    await page.get_by_role("link", name="已制卡", exact=True).click()
    await _tick(page, refs[0], refs[2])
    await page.get_by_role("button", name="送达网点").click()
    await expect(page.get_by_role("status").first).to_contain_text("已完成 (2)")
    assert [await _status(api, r) for r in refs] == [
        "ready_for_collection",
        "produced",
        "ready_for_collection",
    ]
