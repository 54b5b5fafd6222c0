"""The cardholder's online hall in the browser (issue 13 items 1 and 2): real-name sign-in with
the code sent by SMS, the holder's own cards, a formal loss online and its unlock (LOSS-2/3),
sign-out. Each step starts from the page a person sees; what was stored is checked through the
API."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Browser, expect

from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.console import (
    assert_accessible,
    new_page,
    outside_requests,
    record_outside,
    screenshot,
)


async def _codes(api: Api) -> list[dict[str, Any]]:
    listed = (await api.get("/api/v1/notifications", "admin")).json()["items"]
    return [n for n in listed if n["template"] == "online_sign_in_code"]


async def test_a_cardholder_signs_in_by_real_name_and_reports_a_formal_loss_online(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    card = await api.card("clerk_instant", "ICBC")
    number, n = card["document"]["number"], card["card_number"]
    page = await new_page(browser)
    record_outside(page, base)
    await page.goto(f"{base}/hall")
    await expect(page.get_by_role("heading", level=1)).to_have_text("江苏社会保障卡网上服务大厅")
    await assert_accessible(page)
    await page.get_by_label("社会保障号码").fill(number)
    await page.get_by_label("姓名（与卡面一致）").fill("测试人")
    await page.get_by_role("button", name="发送验证码").click()
    await expect(page.get_by_role("status")).to_contain_text("验证码已发送至登记的手机")
    [sms] = await _codes(api)
    code = sms["params"]["code"]
    await page.get_by_label("短信验证码（6位数字）").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    await page.get_by_role("button", name="登录").click()
    await expect(page.get_by_role("alert")).to_contain_text("验证码错误或已失效")
    await assert_accessible(page)
    await page.get_by_label("短信验证码（6位数字）").fill(code)
    await page.get_by_role("button", name="登录").click()

    await expect(page).to_have_url(re.compile(r"/hall/me$"))
    cards = page.get_by_role("table", name="我的社保卡")
    await expect(cards).to_contain_text(n)
    await expect(cards).to_contain_text("正常")
    await assert_accessible(page)
    await screenshot(page, "90-hall-my-card")
    await cards.get_by_role("button", name=f"正式挂失 {n}").click()
    await expect(page.get_by_role("status")).to_contain_text("已正式挂失")
    await expect(cards.get_by_role("row", name=re.compile(n))).to_contain_text("正式挂失")
    await expect(cards.get_by_role("button", name=f"解挂 {n}")).to_be_visible()
    await expect(cards.get_by_role("link", name=f"网上补卡 {n}")).to_be_visible()  # REP-1
    assert (await api.card_state(n))["hr_status"] == "formally_lost"
    messages = page.get_by_role("region", name="我的消息")
    await expect(messages).to_contain_text("金融功能（银行账户）须另行到发卡银行网点")  # LOSS-2
    await expect(messages).not_to_contain_text(code)  # sign-in codes are not listed
    await cards.get_by_role("button", name=f"解挂 {n}").click()
    await expect(page.get_by_role("status")).to_contain_text("已解除挂失")
    assert (await api.card_state(n))["hr_status"] == "active"
    await expect(cards.get_by_role("link", name=f"网上补卡 {n}")).to_have_count(0)
    await cards.get_by_role("link", name=f"办理记录 {n}").click()  # the card's history (CH-2)
    history = page.get_by_role("table", name=re.compile("我的社保卡办理记录"))
    await expect(history.get_by_role("row")).to_have_count(5)  # the header and four changes
    await expect(history.get_by_role("row").nth(3)).to_contain_text("正式挂失")
    await expect(history.get_by_role("row").nth(4)).to_contain_text("网上")  # the channel
    await assert_accessible(page)
    await page.get_by_role("link", name="我的社会保障卡").click()

    await page.get_by_role("button", name="退出").click()
    await expect(page).to_have_url(re.compile(r"/hall$"))
    await page.goto(f"{base}/hall/me")
    await expect(page).to_have_url(re.compile(r"/hall$"))  # the session ended
    assert outside_requests(page) == []
