"""Applying online in the browser (issue 13 items 3-4; SPEC APP-4, APP-1, ISS-3): a person with
no card signs in to the hall, applies with the card mailed by EMS (a wrong phone refused by its
field, what was typed kept; the answers checked before sending), sees the progress and the due
date; the centre's mailing desk hands the card to EMS with a waybill and records its delivery;
the holder then sees the card active."""

from __future__ import annotations

import re
from typing import Any

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


async def _hall_sign_in(page: Page, base: str, api: Api, number: str) -> None:
    await page.goto(f"{base}/hall")
    await page.get_by_label("社会保障号码").fill(number)
    await page.get_by_label("姓名（与卡面一致）").fill("测试人")
    await page.get_by_role("button", name="发送验证码").click()
    codes: list[dict[str, Any]] = [
        n
        for n in (await api.get("/api/v1/notifications", "admin")).json()["items"]
        if n["template"] == "online_sign_in_code"
    ]
    await page.get_by_label("短信验证码（6位数字）").fill(codes[0]["params"]["code"])
    await page.get_by_role("button", name="登录").click()
    await expect(page).to_have_url(re.compile(r"/hall/me$"))


async def test_apply_online_mailed_by_ems_and_delivered(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    person = await api.person("clerk_instant")
    number = api.numbers[person["person_id"]]
    page = await new_page(browser)
    record_outside(page, base)
    await _hall_sign_in(page, base, api, number)
    await page.get_by_role("link", name="网上申领社会保障卡").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("网上申领社会保障卡")
    await expect(page.get_by_text("15个工作日")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_label("合作银行（印在卡面上）").select_option("ICBC")
    await page.get_by_label("城市", exact=True).fill("常州市")
    await page.get_by_label("区（县）").fill("天宁区")
    await page.get_by_label("街道、门牌、楼栋和房号").fill("延陵西路100号3幢201室")
    await page.get_by_label("收件人", exact=True).fill("收件人")
    await page.get_by_label("收件人手机号码").fill("1380000")
    await page.get_by_role("button", name="继续").click()
    await expect(page.locator("#e-phone")).to_contain_text("11位手机号码")
    await expect(page.get_by_label("街道、门牌、楼栋和房号")).to_have_value("延陵西路100号3幢201室")
    await assert_accessible(page)
    await page.get_by_label("收件人手机号码").fill("13800000000")
    await page.get_by_role("button", name="继续").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("请核对您填写的信息")
    await expect(page.locator("dl")).to_contain_text("邮政EMS寄递，邮费到付")
    await expect(page.locator("dl")).to_contain_text("江苏省常州市天宁区延陵西路100号3幢201室")
    await expect(page.locator("dl")).to_contain_text("中国工商银行")  # the bank by its name
    assert await api.count("applications") == 0  # nothing sent before it is confirmed
    await assert_accessible(page)
    await screenshot(page, "91-hall-apply-check")
    await page.get_by_role("button", name="提交申请").click()

    await expect(page).to_have_url(re.compile(r"/hall/me\?done=applied$"))
    await expect(page.get_by_role("status")).to_contain_text("申领已提交")
    application = page.get_by_role("region", name=re.compile("我的申领"))
    await expect(application).to_contain_text("邮政EMS寄递，邮费到付")
    await expect(application).to_contain_text("江苏省常州市天宁区延陵西路****")  # masked now (ID-6)
    await expect(application).not_to_contain_text("100号3幢201")
    mine = (await api.get("/api/v1/me/record", await api.cardholder(person["person_id"]))).json()
    ref, due = mine["open_application"]["reference"], mine["open_application"]["due_date"]
    await expect(application).to_contain_text(ref)
    await expect(application).to_contain_text(due)

    for action in ("start-production", "finish-production"):
        assert (await api.step(ref, action)).status_code == 200
    admin = await make_staff(rt, "mail.centre", Role.CENTRE_ADMIN, city_code="3204")
    desk = await new_page(browser)
    record_outside(desk, base)
    await sign_in(desk, base, admin, clock)
    await desk.goto(f"{base}/centre/mailing")
    await expect(desk.get_by_role("table")).to_contain_text(ref)
    await assert_accessible(desk)
    await desk.get_by_label("EMS邮件号").fill("EA123456784CN")
    await desk.get_by_role("button", name=f"交EMS寄出 {ref}").click()
    await expect(desk.get_by_role("alert")).to_contain_text("EMS邮件号“EA123456784CN”无效")
    await desk.get_by_label("EMS邮件号").fill("EA123456785CN")
    await desk.get_by_role("button", name=f"交EMS寄出 {ref}").click()
    await expect(desk.get_by_role("status")).to_contain_text("已交邮政EMS寄出")
    await desk.get_by_role("link", name="寄递中").click()
    await expect(desk.get_by_role("table")).to_contain_text("EA123456785CN")
    await desk.get_by_role("button", name=f"已送达 {ref}").click()
    await expect(desk.get_by_role("status")).to_contain_text("已投递签收")

    await page.reload()
    cards = page.get_by_role("table", name="我的社保卡")
    await expect(cards).to_contain_text("正常")
    messages = page.get_by_role("region", name="我的消息")
    await expect(messages).to_contain_text("EA123456785CN")
    other = await api.card("clerk_instant", "BOC")
    response = await page.goto(f"{base}/hall/cards/{other['card_number']}/replace")
    assert response is not None
    assert response.status == 404  # another's card: not offered, not even as a form
    await expect(page.get_by_role("link", name="返回我的社保卡")).to_be_visible()
    assert outside_requests(page) == []
    assert outside_requests(desk) == []
