"""The Yangtze River Delta exchange at the card centre in the browser (issue 14 item 12; SPEC
YRD-1..3): the province links Shanghai's node (its token and key shown once), sees a
question Shanghai asked about a Jiangsu card counted, with no card on the page, and a city's
centre reads the page without the form."""

from __future__ import annotations

import re

from fastapi import FastAPI
from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.integration.delta.support import delta_nodes
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, sign_in


async def test_the_province_links_a_node_and_sees_what_crossed(
    rt: Runtime, clock: ManualClock, api: Api, app: FastAPI, browser: Browser, base: str
) -> None:
    province = await make_staff(rt, "zhao.province", Role.PROVINCE_ADMIN)
    page = await new_page(browser)
    await sign_in(page, base, province, clock)
    await page.goto(f"{base}/centre")
    await page.get_by_role("link", name="长三角一卡通").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("长三角一卡通")
    await expect(page.get_by_role("table", name="已配置的节点")).to_contain_text("尚未配置")
    await assert_accessible(page)
    await page.get_by_label("节点地址").fill("ftp://not-a-node")
    await page.get_by_role("button", name="配置", exact=True).click()
    await expect(page.locator("#e-base_url")).to_be_visible()
    await page.get_by_label("节点地址").fill("https://yrd.sh.example/node")
    await page.get_by_role("button", name="配置", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("节点已配置")
    await expect(page.locator("#node-token")).to_have_text(re.compile(r".{20,}"))
    await expect(page.get_by_role("table", name="已配置的节点")).to_contain_text(
        "https://yrd.sh.example/node"
    )

    async with delta_nodes(api, app) as nodes:  # the three nodes, now on the simulator
        card = (await api.card())["card_number"]
        question = {"card_number": card, "issuer_region": "320400", "use": "entry",
                    "place_code": "3101"}  # fmt: skip
        assert (await nodes.ask("31", **question))["answer"]["allowed"] is True
    await page.reload()
    crossed = page.get_by_role("table", name="近30天的查询")
    await expect(crossed).to_contain_text("外省查询本省社保卡")
    await expect(page.get_by_role("main")).not_to_contain_text(card)
    await assert_accessible(page)

    nanjing = await make_staff(rt, "sun.nanjing", Role.CENTRE_ADMIN, city_code="3201")
    other = await new_page(browser)
    await sign_in(other, base, nanjing, clock)
    await other.goto(f"{base}/centre/delta")
    await expect(other.get_by_role("table", name="近30天的查询")).to_contain_text("入园入馆")
    await expect(other.get_by_role("button", name="配置", exact=True)).to_have_count(0)
