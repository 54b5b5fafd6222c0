"""The holder's transport purse in the online hall (issue 15; SPEC TRN-1..3, LOSS-6): told
where to load it while there is none, then the balance, a pending top-up and a trip at
Changzhou's bus rate, with no person in the purse's records."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.browser.test_hall_ecard import _sign_in
from tests.integration.scenes.support import scene
from tests.integration.transport.test_fares import ride
from tests.integration.transport.test_purse import CLERK, authorise, confirm
from tests.support.api import Api
from tests.support.console import assert_accessible, new_page


async def test_the_holder_sees_the_purse_and_the_trips(
    api: Api, browser: Browser, base: str
) -> None:
    card = await api.card()
    n = card["card_number"]
    page = await new_page(browser)
    await _sign_in(page, base, api, card["document"]["number"])
    await page.goto(f"{base}/hall/me")
    await page.get_by_role("link", name="我的交通钱包").click()
    await expect(page.get_by_role("status")).to_contain_text("开通交通联合功能")
    assert (await api.post("/api/v1/transport/purses", CLERK, {"card_number": n})).is_success
    assert (await authorise(api, n, 3000, "HT-01")).is_success
    assert (await confirm(api, "HT-01", 1)).is_success
    assert (await authorise(api, n, 500, "HT-02")).is_success
    bus = await scene(api, "transit", "BUS3204000099", city="3204")
    assert (await ride(bus, n, 200, 2, 1))["charged_fen"] == 120
    await page.reload()
    await expect(page.locator("#purse-balance")).to_contain_text("28.80")
    await expect(page.get_by_role("main")).to_contain_text("充值 HT-02 待写卡：5.00 元")
    trips = page.get_by_role("table", name="乘车和充值记录（按卡片交易顺序，最新在前）")
    rows = trips.get_by_role("row")
    await expect(rows.nth(1)).to_contain_text("乘车")  # the fare, counter 2, comes first
    await expect(rows.nth(1).get_by_role("cell").first).to_have_text("2")
    await expect(rows.nth(1)).to_contain_text("-1.20 元")
    await expect(rows.nth(1)).to_contain_text("测试transit · 常州市 · 公交")  # where, how
    await expect(rows.nth(2)).to_contain_text("充值")
    await expect(page.get_by_role("main")).to_contain_text("常州市规定")  # the cap's city, named
    await expect(page.get_by_role("main")).to_contain_text("不能挂失")
    await assert_accessible(page)
