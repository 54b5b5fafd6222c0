"""Staff sign-in in the browser: first sign-in with enrolment, the second factor, lockout,
sign-out, the language switch (issue 12, GB/T 22239-2019 8.1.4.1)."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from playwright.async_api import Browser, expect
from sqlalchemy import text

from sscard.actors.staff import repository as staff_repo
from sscard.actors.staff import service as staff
from sscard.kernel.actor import OPERATOR, Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.console import (
    assert_accessible,
    make_staff,
    new_page,
    outside_requests,
    record_outside,
    screenshot,
    sign_in,
)


async def test_first_sign_in_enrols_an_authenticator_and_sets_a_password(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str
) -> None:
    async with rt.unit(OPERATOR) as ctx:
        _, initial = await staff.create_staff(
            ctx, staff.NewStaff("wang.min", "王敏", Role.PROVINCE_ADMIN)
        )
    page = await new_page(browser)
    record_outside(page, base)
    await page.goto(f"{base}/")
    await expect(page).to_have_url(re.compile(r"/signin\?next=/$"))
    await expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "01-sign-in")
    await page.get_by_label("用户名").fill("wang.min")
    await page.get_by_label("密码").fill(initial)
    await page.get_by_role("button", name="下一步").click()

    await expect(page.get_by_role("heading", name="绑定身份验证器")).to_be_visible()
    secret = (await page.locator("code.secret").inner_text()).replace(" ", "")
    await assert_accessible(page)
    await screenshot(page, "02-enrol-authenticator")
    await page.get_by_label("验证码").fill(
        "000000" if pyotp.TOTP(secret).at(clock.now()) != "000000" else "111111"
    )
    await page.get_by_role("button", name="登录").click()
    await expect(page.get_by_role("alert")).to_contain_text("动态验证码错误")
    secret = (await page.locator("code.secret").inner_text()).replace(" ", "")
    await page.get_by_label("验证码").fill(pyotp.TOTP(secret).at(clock.now()))
    await page.get_by_role("button", name="登录").click()

    await expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    await page.get_by_label("当前密码").fill(initial)
    await page.locator("#f-password").fill("short")
    await page.get_by_label("再次输入新密码").fill("short")
    await page.get_by_role("button", name="保存密码").click()
    await expect(page.locator("#e-password")).to_contain_text("长度须为10至128个字符")
    await page.get_by_label("当前密码").fill(initial)
    await page.locator("#f-password").fill("Wang-Min-2026")
    await page.get_by_label("再次输入新密码").fill("Wang-Min-2026")
    await page.get_by_role("button", name="保存密码").click()
    await expect(page).to_have_url(re.compile(r"/centre"))

    cookies = {c["name"]: c for c in await page.context.cookies()}
    session = cookies["sscard_session"]
    assert session["httpOnly"]
    assert session["secure"]
    assert session["sameSite"] == "Strict"
    async with rt.unit(OPERATOR) as ctx:
        row = (
            await ctx.conn.execute(
                text(
                    "SELECT password_hash, totp_enrolled, must_change_password, failed_attempts"
                    " FROM staff_accounts WHERE username = 'wang.min'"
                )
            )
        ).one()
    assert row.password_hash.startswith("$argon2id$")
    assert row.totp_enrolled
    assert not row.must_change_password
    assert row.failed_attempts == 0
    assert outside_requests(page) == []


async def test_wrong_passwords_lock_the_account_and_a_reset_lifts_it(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str
) -> None:
    clerk = await make_staff(rt, "li.na", Role.OUTLET_CLERK, outlet_code="3204-HR-001")
    page = await new_page(browser)
    for _ in range(5):
        await page.goto(f"{base}/signin")
        await page.get_by_label("用户名").fill("li.na")
        await page.get_by_label("密码").fill("Not-The-Password-1")
        await page.get_by_role("button", name="下一步").click()
    # A wrong password is told nothing of the lock (no enumeration); the right one is.
    await expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    await expect(page.get_by_role("alert")).not_to_contain_text("账号已锁定")
    # The right password does not open a locked account.
    await page.get_by_label("用户名").fill("li.na")
    await page.get_by_label("密码").fill(clerk.password)
    await page.get_by_role("button", name="下一步").click()
    await expect(page.get_by_role("alert")).to_contain_text("账号已锁定")
    # Thirty minutes later it opens again.
    clock.advance(timedelta(minutes=31))
    await sign_in(page, base, clerk, clock)
    await expect(page).to_have_url(re.compile(r"/counter"))


async def test_an_idle_session_ends_and_sign_out_ends_it_too(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str
) -> None:
    agent = await make_staff(rt, "zhao.lei", Role.HOTLINE_AGENT, city_code="3204")
    page = await new_page(browser)
    await sign_in(page, base, agent, clock)
    await page.goto(f"{base}/account")
    await expect(page.get_by_role("heading", name="我的账号")).to_be_visible()
    clock.advance(timedelta(minutes=16))
    await page.goto(f"{base}/account")
    await expect(page).to_have_url(re.compile(r"/signin\?next=/account&ended=idle"))
    await expect(page.get_by_role("status")).to_contain_text("超过15分钟未操作")

    await sign_in(page, base, agent, clock)
    await page.goto(f"{base}/account")
    await page.get_by_role("button", name="English").click()
    await expect(page.get_by_role("heading", name="My account")).to_be_visible()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(re.compile(r"/signin$"))
    await page.goto(f"{base}/account")
    await expect(page).to_have_url(re.compile(r"/signin\?next=/account"))


async def test_a_form_posted_without_its_token_changes_nothing(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str
) -> None:
    admin = await make_staff(rt, "chen.jie", Role.PROVINCE_ADMIN)
    page = await new_page(browser)
    await sign_in(page, base, admin, clock)
    answer = await page.request.post(
        f"{base}/account/password",
        form={
            "current_password": admin.password,
            "password": "Other-Pass-2026",
            "password_again": "Other-Pass-2026",
        },
    )
    assert answer.status == 403
    assert "页面已过期" in await answer.text()
    async with rt.unit(OPERATOR) as ctx:
        account = await staff_repo.account_by_username(ctx.conn, "chen.jie")
    assert account is not None
    assert staff.HASHER.verify(account["password_hash"], admin.password)


async def test_sign_in_works_with_the_keyboard_alone(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str
) -> None:
    agent = await make_staff(rt, "sun.li", Role.HOTLINE_AGENT, city_code="3204")
    page = await new_page(browser)
    await page.goto(f"{base}/signin")
    focused: list[str] = []
    for _ in range(3):  # skip link, language switch, then the first field
        await page.keyboard.press("Tab")
        focused.append(
            await page.evaluate(
                "document.activeElement.id || document.activeElement.textContent.trim()"
            )
        )
    assert focused == ["跳到正文", "English", "f-username"]
    await page.keyboard.type("sun.li")
    await page.keyboard.press("Tab")
    await page.keyboard.type(agent.password)
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="动态验证码")).to_be_visible()
    assert await page.evaluate("document.activeElement.id") == "f-code"  # focused on arrival
    clock.advance(timedelta(seconds=31))
    await page.keyboard.type(pyotp.TOTP(agent.secret).at(clock.now()))
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"/hotline"))
