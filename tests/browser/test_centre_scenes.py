"""Scenes at the card centre in the browser (issue 14 item 7; SPEC SCN-1): Suzhou's centre
registers a hotel of its city and a terminal, reads the terminal's token and key once, the
terminal checks a card with them, the use is counted on the scene's page, and the terminal is
taken out of service."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.integration.scenes.support import SceneTerminal
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, screenshot, sign_in


async def test_a_city_registers_a_scene_and_its_terminal_which_then_checks_a_card(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    card = await api.card()
    admin = await make_staff(rt, "xu.suzhou", Role.CENTRE_ADMIN, city_code="3205")
    page = await new_page(browser)
    await sign_in(page, base, admin, clock)
    await page.goto(f"{base}/centre")
    await page.get_by_role("link", name="用卡场景").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("用卡场景")
    await assert_accessible(page)
    await page.get_by_label("场景编码").fill("HT3205000123")
    await page.get_by_label("场景名称").fill("姑苏测试酒店")
    await page.get_by_label("类型").select_option("hotel")
    # CH-1: Suzhou's centre is offered Suzhou alone.
    await expect(page.get_by_label("城市").locator("option")).to_have_count(1)
    await page.get_by_role("button", name="登记该场景").click()
    await expect(page.get_by_role("status")).to_contain_text("用卡场景已登记")
    await expect(page.get_by_role("heading", level=1)).to_have_text("姑苏测试酒店")

    await page.get_by_label("终端编号").fill("front-1")
    await page.get_by_role("button", name="登记该终端").click()
    await expect(page.get_by_role("status")).to_contain_text("终端已登记")
    token = await page.locator("#terminal-token").inner_text()
    key = await page.locator("#terminal-key").inner_text()
    await assert_accessible(page)
    await screenshot(page, "centre-scene-terminal")
    api.tokens["hotel"] = token
    terminal = SceneTerminal(api, "HT3205000123", "hotel", bytes.fromhex(key))
    answer = await terminal.identity(card_number=card["card_number"])
    assert answer["allowed"] is True, answer

    await page.reload()  # the key is not shown again; the use is counted
    await expect(page.locator("#terminal-key")).to_have_count(0)
    uses = page.get_by_role("table", name=re.compile("用卡情况"))
    await expect(uses).to_contain_text("身份核验")
    await expect(uses).to_contain_text("3204")
    # a duplicate terminal code is refused on its field, nothing changes
    await page.get_by_label("终端编号").fill("Front-1")
    await page.get_by_role("button", name="登记该终端").click()
    await expect(page.get_by_role("alert").first).to_contain_text("FRONT-1")  # one code, any case
    await page.get_by_role("button", name="停用 FRONT-1").click()
    await expect(page.get_by_role("table", name=re.compile("终端"))).to_contain_text("已停用")
    r = await terminal.post("/api/v1/scene-uses/identity", {"card_number": card["card_number"]})
    assert r.status_code == 401
