"""Staff accounts at the card centre in the browser: create, the new person's first sign-in with
the one-time password, reset; a city's administrator sees only its own city (issue 12 item 1
and 6; SPEC CH-1; GB/T 22239-2019 8.1.4.1)."""

from __future__ import annotations

import re

import pyotp
from playwright.async_api import Browser, expect

from sscard.actors.staff import service as staff
from sscard.kernel.actor import Actor, Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, screenshot, sign_in


async def _accounts(rt: Runtime, who: Actor) -> dict[str, dict[str, object]]:
    async with rt.unit(who, readonly=True) as ctx:
        return {a["username"]: a for a in await staff.list_staff(ctx)}


async def test_an_account_is_created_signed_in_with_its_one_time_password_and_reset(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    admin = await make_staff(rt, "sun.centre", Role.CENTRE_ADMIN, city_code="3204")
    admin_actor = Actor(admin.actor_id, Role.CENTRE_ADMIN, "孙", city_code="3204")
    page = await new_page(browser)
    await sign_in(page, base, admin, clock)
    await page.get_by_role("link", name="工作人员账号").first.click()
    await expect(page.get_by_role("heading", name="工作人员账号", exact=True)).to_be_visible()

    # Bad input: the API's refusal by its field, what was typed kept, nothing stored.
    await page.get_by_label("用户名").fill("Ma Li!")
    await page.get_by_label("姓名").fill("马丽")
    await page.get_by_label("角色").select_option("outlet_clerk")
    await page.get_by_label("网点编码（网点柜员填写）").fill("3204-HR-001")
    await page.get_by_role("button", name="创建账号").click()
    await expect(page.locator("#e-username")).to_contain_text("须为3至32个小写字母、数字或 . _ -")
    await expect(page.get_by_label("姓名")).to_have_value("马丽")
    await expect(page.get_by_label("网点编码（网点柜员填写）")).to_have_value("3204-HR-001")
    await assert_accessible(page)
    assert "ma.li" not in await _accounts(rt, admin_actor)

    await page.get_by_label("用户名").fill("ma.li")
    await page.get_by_role("button", name="创建账号").click()
    await expect(page.get_by_role("status").first).to_contain_text("账号已创建")
    initial = await page.locator("#initial-password").inner_text()
    await screenshot(page, "61-centre-staff-created")
    created = (await _accounts(rt, admin_actor))["ma.li"]
    assert created["role"] == "outlet_clerk"
    assert created["outlet_code"] == "3204-HR-001"
    assert created["must_change_password"]
    assert not created["totp_enrolled"]

    # The new person's first sign-in works with the password shown: enrol, own password.
    clerk = await new_page(browser)
    await clerk.goto(f"{base}/signin")
    await clerk.get_by_label("用户名").fill("ma.li")
    await clerk.get_by_label("密码").fill(initial)
    await clerk.get_by_role("button", name="下一步").click()
    secret = (await clerk.locator("code.secret").inner_text()).replace(" ", "")
    await clerk.get_by_label("验证码").fill(pyotp.TOTP(secret).at(clock.now()))
    await clerk.get_by_role("button", name="登录").click()
    await clerk.get_by_label("当前密码").fill(initial)
    await clerk.locator("#f-password").fill("Ma-Li-Counter-26")
    await clerk.get_by_label("再次输入新密码").fill("Ma-Li-Counter-26")
    await clerk.get_by_role("button", name="保存密码").click()
    await expect(clerk).to_have_url(re.compile(r"/counter"))
    enrolled = (await _accounts(rt, admin_actor))["ma.li"]
    assert enrolled["totp_enrolled"]
    assert not enrolled["must_change_password"]

    # The administrator resets it: a new one-time password, the authenticator to enrol again.
    await page.goto(f"{base}/centre/staff")
    await page.get_by_role("link", name="管理 ma.li").click()
    await assert_accessible(page)
    await page.get_by_role("button", name="重置账号").click()
    await expect(page.get_by_role("status").first).to_contain_text("账号已重置")
    again = await page.locator("#initial-password").inner_text()
    assert again != initial
    reset = (await _accounts(rt, admin_actor))["ma.li"]
    assert reset["must_change_password"]
    assert not reset["totp_enrolled"]
    # The clerk's session ended with the reset.
    await clerk.goto(f"{base}/account")
    await expect(clerk).to_have_url(re.compile(r"/signin\?next=/account$"))

    # The person leaves: the account is deactivated and signs in no more.
    await page.get_by_role("link", name="管理 ma.li").click()
    await page.get_by_role("button", name="停用该账号").click()
    await expect(page.get_by_role("status").first).to_contain_text("账号 ma.li 已停用")
    assert (await _accounts(rt, admin_actor))["ma.li"]["active"] is False
