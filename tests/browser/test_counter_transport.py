"""The transport wallet at a citizen-card outlet's counter in the browser (issue 15 items 1, 2,
4; SPEC TRN-1, TRN-2, TRN-4, REP-4): the clerk loads the purse on the card in hand, tops it up
(authorised, then the write confirmed with the card's counter), sees a top-up over the cap
refused, reverses a failed write, and refunds and closes the purse."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, sign_in


async def test_the_clerk_loads_tops_up_and_refunds_the_purse(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    n = (await api.card())["card_number"]
    clerk = await make_staff(rt, "zhou.transport", Role.OUTLET_CLERK, outlet_code="3204-TRN-001")
    page = await new_page(browser)
    await sign_in(page, base, clerk, clock)
    await page.goto(f"{base}/counter")  # a transport outlet's counter is the wallet
    await expect(page.get_by_role("heading", level=1)).to_have_text("交通钱包")
    main = page.get_by_role("main")
    await expect(main.get_by_role("link", name="人社服务网点柜台", exact=True)).to_have_count(0)
    await page.locator("#f-card").fill("12345")
    await page.get_by_role("button", name="读卡").click()
    await expect(page.locator("#e-card")).to_have_text("须为卡号：一个字母加8位数字，如C12345678")
    await expect(page.get_by_role("main")).not_to_contain_text("String should match")
    await page.locator("#f-card").fill(n)
    await page.get_by_role("button", name="读卡").click()
    await page.get_by_role("button", name="开通交通联合功能").click()
    await expect(page.get_by_role("status")).to_contain_text("已开通交通联合功能")
    await expect(page.locator("#purse-balance")).to_contain_text("0.00")
    await assert_accessible(page)

    await page.get_by_label("金额（元）").fill("1200")
    await page.get_by_role("button", name="授权充值").click()
    await expect(page.get_by_role("alert").first).to_contain_text("余额上限为1000.00元")
    await page.get_by_label("金额（元）").fill("12.345")
    await page.get_by_role("button", name="授权充值").click()
    await expect(page.locator("#e-amount_yuan")).to_contain_text("至多两位小数")
    await expect(page.get_by_label("金额（元）")).to_have_value("12.345")
    await page.get_by_label("金额（元）").fill("50")
    await page.get_by_role("button", name="授权充值").click()
    await expect(page.get_by_role("status")).to_contain_text("充值已授权")
    await expect(page.locator("#purse-balance")).to_contain_text("0.00")
    await page.get_by_label("写卡后的卡片交易计数器").fill("1")
    await page.get_by_role("button", name="写卡成功").click()
    await expect(page.get_by_role("status")).to_contain_text("已写卡")
    await expect(page.locator("#purse-balance")).to_contain_text("50.00")

    await page.get_by_label("金额（元）").fill("20")
    await page.get_by_role("button", name="授权充值").click()
    await page.get_by_role("button", name="写卡失败，冲正").click()
    await expect(page.get_by_role("status")).to_contain_text("充值已冲正")
    await expect(page.locator("#purse-balance")).to_contain_text("50.00")
    await assert_accessible(page)

    await page.get_by_role("button", name="退还余额").click()
    await expect(page.locator("#refund-confirm")).to_contain_text("向持卡人退还50.00元")
    still = await api.get(f"/api/v1/transport/purses/{n}", "clerk_transport")
    assert still.json()["status"] == "open"  # nothing is paid out before the confirmation
    await page.get_by_role("button", name="确认退还50.00元").click()
    await expect(page.get_by_role("status")).to_contain_text("已向持卡人退还50.00元")
    await expect(page.get_by_role("main")).to_contain_text("已退值关闭")
    purse = (await api.get(f"/api/v1/transport/purses/{n}", "clerk_transport")).json()
    assert (purse["status"], purse["balance_fen"]) == ("closed", 0)
