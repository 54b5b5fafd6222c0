"""The card centre's dashboard in the browser (issue 12 item 6, SPEC GOV-6): charts drawn on the
server with the table behind each one click away, the province's view and a city's."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.console import (
    assert_accessible,
    make_staff,
    new_page,
    outside_requests,
    record_outside,
    screenshot,
    sign_in,
)


async def issue_cards(api: Api) -> None:
    """Two cards in Changzhou (ICBC, BOC), two in Suzhou (SZB), a hotline loss and unlock."""
    first = await api.card("clerk_instant", "ICBC")
    await api.card("clerk_instant", "BOC")
    await api.card("clerk_suzhou_szb", "SZB", city_code="3205")
    await api.card("clerk_suzhou_szb", "SZB", city_code="3205")
    n = first["card_number"]
    r = await api.card_post(n, "temporary-loss", "hotline", {"reason": "丢失"})
    assert r.status_code == 200, r.text
    r = await api.card_post(n, "unlock", "hotline")
    assert r.status_code == 200, r.text


def chart(page: Page, title: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("figure", name=title)


async def test_the_province_sees_each_chart_and_the_table_behind_it(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC GOV-6: cards issued by city and bank, losses and unlocks; a chart's figures are a
    table one click away; the province's administrator chooses a city."""
    await issue_cards(api)
    admin = await make_staff(rt, "zhou.qing", Role.PROVINCE_ADMIN)
    page = await new_page(browser)
    record_outside(page, base)
    await sign_in(page, base, admin, clock)
    await page.get_by_role("link", name="统计看板").click()
    await expect(page).to_have_url(re.compile(r"/dashboard$"))
    await expect(page.get_by_role("heading", name="统计看板", level=1)).to_be_visible()

    by_city = chart(page, "各市发卡量")
    await expect(by_city.get_by_role("img", name="各市发卡量")).to_be_visible()
    await expect(by_city.locator("figcaption")).to_have_text("常州市 2; 苏州市 2")
    table = by_city.get_by_role("table", name="各市发卡量")
    await expect(table).to_be_hidden()
    await by_city.get_by_text("查看数据表").click()
    await expect(table).to_be_visible()
    await expect(table.get_by_role("row", name="常州市 2")).to_be_visible()
    await expect(table.get_by_role("row", name="苏州市 2")).to_be_visible()

    losses = chart(page, "挂失与解挂")
    await losses.get_by_text("查看数据表").click()
    await expect(losses.locator("figcaption")).to_contain_text("临时挂失 1, 正式挂失 0, 解挂 1")
    by_bank = chart(page, "各银行发卡量")
    await by_bank.get_by_text("查看数据表").click()
    await expect(by_bank.get_by_role("row", name="苏州银行 2")).to_be_visible()
    await expect(chart(page, "发往银行的消息：待发送与失败（当前）")).to_be_visible()
    by_channel = chart(page, "受理、领取与撤回的申领（按渠道）")
    await expect(by_channel.locator("figcaption")).to_have_text("本期：受理4件，领取4张，撤回0件")
    await by_channel.get_by_text("查看数据表").click()
    await expect(by_channel.get_by_role("row", name="银行网点 2 2 0")).to_be_visible()
    assert await page.locator("svg script").count() == 0
    await assert_accessible(page)
    await screenshot(page, "80-dashboard-province")

    await page.get_by_label("显示城市").select_option("3205")
    await page.get_by_role("button", name="查看统计").click()
    await expect(page).to_have_url(re.compile(r"/dashboard\?city=3205&days=30$"))
    await expect(chart(page, "各市发卡量").locator("figcaption")).to_have_text("苏州市 2")
    assert outside_requests(page) == []


async def test_a_city_centre_sees_its_own_city(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC GOV-6, CH-1: a city's administrator is shown its city only, without the
    province's deliveries and without a choice of city."""
    await issue_cards(api)
    suzhou = await make_staff(rt, "wu.fang", Role.CENTRE_ADMIN, city_code="3205")
    page = await new_page(browser)
    await sign_in(page, base, suzhou, clock)
    await page.goto(f"{base}/dashboard?days=7")
    await expect(page.locator("main > p").first).to_contain_text("当前显示：苏州市")
    await expect(chart(page, "各市发卡量").locator("figcaption")).to_have_text("苏州市 2")
    await expect(page.get_by_label("显示城市")).to_have_count(0)
    await expect(chart(page, "发往银行的消息：待发送与失败（当前）")).to_have_count(0)
    await assert_accessible(page)
    await screenshot(page, "81-dashboard-city")

    answer = await page.goto(f"{base}/dashboard?city=3204")
    assert answer is not None
    assert answer.status == 403
