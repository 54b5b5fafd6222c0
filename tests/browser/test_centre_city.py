"""A city's card centre sees and acts on its own city only, in the browser too (issue 11,
issue 12 item 6; SPEC CH-1): the queue, staff accounts, reference data and the province's
records."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, screenshot, sign_in


async def test_a_city_administrator_sees_and_acts_on_its_own_city_only(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    changzhou = (await api.applied("clerk_fast"))["reference"]
    suzhou = (await api.applied("clerk_suzhou"))["reference"]
    await make_staff(rt, "cz.clerk", Role.OUTLET_CLERK, outlet_code="3204-HR-001")
    await make_staff(rt, "sz.clerk", Role.OUTLET_CLERK, outlet_code="3205-HR-001")
    admin = await make_staff(rt, "sz.centre", Role.CENTRE_ADMIN, city_code="3205")
    page = await new_page(browser)
    await sign_in(page, base, admin, clock)

    # The province's records are not the city's: the overview offers only the city's areas.
    await expect(page.get_by_role("region", name="制卡队列")).to_be_visible()
    for province_only in ("向银行发送", "银行来报", "对账", "通知"):
        await expect(page.get_by_role("region", name=province_only, exact=True)).to_have_count(0)
    await assert_accessible(page)
    await screenshot(page, "66-centre-city-overview")

    await page.goto(f"{base}/centre/production")
    queue = page.get_by_role("table")
    await expect(queue).to_contain_text(suzhou)
    # Only the areas the city may open are offered, and no filter of other cities.
    areas = page.get_by_role("navigation", name="卡管中心功能")
    await expect(areas.get_by_role("link", name="制卡队列")).to_be_visible()
    for province_only in ("向银行发送", "银行来报", "对账", "通知"):
        await expect(areas.get_by_role("link", name=province_only, exact=True)).to_have_count(0)
    await expect(page.get_by_label("城市")).to_have_count(0)
    await expect(queue).not_to_contain_text(changzhou)
    # A Changzhou reference slipped into the form is refused as unknown, and nothing moves.
    token = await page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = await page.request.post(
        f"{base}/centre/production",
        form={"csrf_token": token or "", "event": "start_production", "reference": changzhou},
    )
    shown = re.sub(r"<[^>]+>", "", await answer.text())
    assert f"{changzhou}: 申领不存在" in shown
    assert (await api.get(f"/api/v1/applications/{changzhou}", "admin")).json()[
        "status"
    ] == "accepted"

    await page.goto(f"{base}/centre/staff")
    accounts = page.get_by_role("table")
    await expect(accounts).to_contain_text("sz.clerk")
    await expect(accounts).not_to_contain_text("cz.clerk")
    listed = (await api.get("/api/v1/applications", "admin_suzhou")).json()["items"]
    assert [a["reference"] for a in listed] == [suzhou]

    await page.goto(f"{base}/centre/reference?city=3204")
    await expect(page.get_by_role("status").first).to_contain_text("不能办理3204的业务")
    await expect(page.get_by_role("button", name="保存政策")).to_be_disabled()
    await page.goto(f"{base}/centre/delivery")
    await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("不予办理"))
