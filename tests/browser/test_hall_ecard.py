"""The holder's ecard in the online hall (issue 14 items 1-2; SPEC ECARD-1, ECARD-2): signed
in by real name, the holder opens their ecard from their card's page, sees it in use behind the
card, consents to a channel and withdraws the consent; a formal loss online suspends it."""

from __future__ import annotations

import io
import re
from typing import Any

import zxingcpp
from PIL import Image
from playwright.async_api import Browser, Page, expect

from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.integration.scenes.support import scene
from tests.support.api import Api
from tests.support.console import assert_accessible, new_page, outside_requests, record_outside


async def _sign_in(page: Page, base: str, api: Api, number: str) -> None:
    await page.goto(f"{base}/hall")
    await page.get_by_label("社会保障号码").fill(number)
    await page.get_by_label("姓名（与卡面一致）").fill("测试人")
    await page.get_by_role("button", name="发送验证码").click()
    listed: list[dict[str, Any]] = (await api.get("/api/v1/notifications", "admin")).json()["items"]
    [sms] = [n for n in listed if n["template"] == "online_sign_in_code"]
    await page.get_by_label("短信验证码（6位数字）").fill(sms["params"]["code"])
    await page.get_by_role("button", name="登录").click()
    await expect(page).to_have_url(re.compile(r"/hall/me$"))


async def test_the_holder_sees_the_ecard_and_consents_channel_by_channel(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    card = await api.card("clerk_instant", "ICBC")
    page = await new_page(browser)
    record_outside(page, base)
    await _sign_in(page, base, api, card["document"]["number"])
    await page.get_by_role("link", name="我的电子社保卡").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("我的电子社保卡")
    await expect(page.get_by_test_id("ecard-status")).to_have_text("正常")
    await expect(page.get_by_text(card["card_number"][:2], exact=False).first).to_be_visible()
    await assert_accessible(page)
    channels = page.get_by_role("table", name="电子社保卡可用渠道")
    await expect(channels.get_by_role("row")).to_have_count(15)  # the header and 14 channels
    await channels.get_by_role("button", name="授权 微信小程序").click()
    await expect(page.get_by_role("status")).to_contain_text("已授权")
    row = channels.get_by_role("row", name=re.compile("微信小程序"))
    await expect(row).to_contain_text("已授权")
    holder = await api.cardholder(card["person_id"])
    mine = (await api.get("/api/v1/me/ecard", holder)).json()
    assert [c["code"] for c in mine["channels"] if c["consented"]] == ["wechat"]
    await row.get_by_role("button", name="撤回授权 微信小程序").click()
    await expect(page.get_by_role("status")).to_contain_text("已撤回授权")
    mine = (await api.get("/api/v1/me/ecard", holder)).json()
    assert [c["code"] for c in mine["channels"] if c["consented"]] == []

    # ECARD-3: the code on the screen scans, and a counter's check accepts it once.
    await page.get_by_role("link", name="出示电子社保卡二维码").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("电子社保卡展码")
    shot = await page.get_by_test_id("ecard-qr").screenshot()
    [text] = [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))]
    assert text.startswith("SC1:")
    await assert_accessible(page)
    checked = await api.post("/api/v1/ecard-qr/checks", "clerk_other", {"qr": text})
    assert checked.status_code == 200, checked.text
    assert checked.json()["person_id"] == card["person_id"]
    await page.get_by_label("展码用途").select_option("entry")
    await page.get_by_role("button", name="生成新码").click()
    await expect(page.get_by_test_id("ecard-qr")).to_be_visible()
    await page.get_by_role("link", name="我的电子社保卡").click()

    # LOSS-5 / ECARD-2: the card reported lost online, the ecard is suspended with it.
    await page.get_by_role("link", name="我的社会保障卡").click()
    n = card["card_number"]
    await page.get_by_role("button", name=f"正式挂失 {n}").click()
    await expect(page.get_by_role("status")).to_contain_text("已正式挂失")
    await page.get_by_role("link", name="我的电子社保卡").click()
    await expect(page.get_by_test_id("ecard-status")).to_have_text("暂停使用：实体卡挂失中")
    await page.get_by_role("link", name="出示电子社保卡二维码").click()
    await expect(page.get_by_role("alert")).to_contain_text("电子社保卡当前不可使用")
    assert outside_requests(page) == []


async def test_the_holder_sets_the_ecard_password_and_shows_a_paying_code(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """ECARD-3, PWD-2/3: a weak password is refused on its field; the paying code is shown
    only after the password, and a hospital's check of it passes."""
    card = await api.card("clerk_instant", "ICBC")
    page = await new_page(browser)
    record_outside(page, base)
    await _sign_in(page, base, api, card["document"]["number"])
    await page.get_by_role("link", name="我的电子社保卡").click()
    await page.get_by_label("新电子社保卡密码").fill("123456")
    await page.get_by_role("button", name="设置电子社保卡密码").click()
    await expect(page.get_by_role("alert").first).to_contain_text("连续")
    await page.get_by_label("新电子社保卡密码").fill("583920")
    await page.get_by_role("button", name="设置电子社保卡密码").click()
    await expect(page.get_by_role("status")).to_contain_text("电子社保卡密码已保存")
    await expect(page.get_by_label("原电子社保卡密码")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="出示电子社保卡二维码").click()
    await page.get_by_label("展码用途").select_option("medical")
    await page.get_by_role("button", name="生成新码").click()
    await page.get_by_label("电子社保卡密码").fill("472816")
    await page.get_by_role("button", name="出示医保结算码").click()
    await expect(page.get_by_role("alert")).to_contain_text("还可尝试")
    await page.get_by_label("电子社保卡密码").fill("583920")
    await page.get_by_role("button", name="出示医保结算码").click()
    shot = await page.get_by_test_id("ecard-qr").screenshot()
    [text] = [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))]
    hospital = await scene(api, "hospital", "H32040000099")
    r = await hospital.post(
        "/api/v1/scene-uses/medical",
        {"qr": text, "settlement_ref": "B1", "total_fen": 100, "fund_fen": 100},
    )
    assert (r.status_code, r.json()["allowed"]) == (200, True), r.text
    await assert_accessible(page)
    assert outside_requests(page) == []
