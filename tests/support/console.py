"""The staff console in a real browser: Debian's Chromium driven by Playwright (issue 12).

Staff accounts are made through the staff service, then given a known password and an enrolled
TOTP secret (what their first sign-in would have set), so that each journey starts from sign-in.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pyotp
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page
from sqlalchemy import update

from sscard.actors import service as actors
from sscard.actors.models import actors as actors_table
from sscard.actors.staff import repository as staff_repo
from sscard.actors.staff import service as staff
from sscard.kernel.actor import OPERATOR, Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime

CHROMIUM = os.environ.get("SSCARD_CHROMIUM", "/usr/bin/chromium")
# As the machine notes say: without the background-networking switches Chromium keeps trying
# Google's hosts, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PASSWORD = "Counter-2026-ok"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
COUNTER_SCREEN = {"width": 1366, "height": 768}


def chromium_available() -> bool:
    return shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists()


@dataclass(frozen=True)
class StaffMember:
    """An enrolled staff account; `token` is an API token of the same actor, for preparing data
    as that person through the `api` fixture (`api.tokens[m.username] = m.token`)."""

    username: str
    password: str
    secret: str
    role: Role
    actor_id: int
    token: str


@cache
def _password_hash() -> str:
    """PASSWORD's argon2id hash, made once a run: each hash costs some 0.4 s of CPU (RFC 9106's
    parameters) and the accounts need not differ in salt."""
    return staff.HASHER.hash(PASSWORD)


async def make_staff(
    rt: Runtime,
    username: str,
    role: Role,
    *,
    outlet_code: str | None = None,
    city_code: str | None = None,
    display_name: str | None = None,
) -> StaffMember:
    """A staff account that has signed in before: its password is PASSWORD, its TOTP enrolled."""
    secret = pyotp.random_base32()
    async with rt.unit(OPERATOR) as ctx:
        account_id, _ = await staff.create_staff(
            ctx,
            staff.NewStaff(
                username,
                display_name or f"测试{username}",
                role,
                outlet_code=outlet_code,
                city_code=city_code,
            ),
        )
        await staff_repo.update_account(
            ctx.conn,
            account_id,
            password_hash=_password_hash(),
            must_change_password=False,
            totp_secret_enc=ctx.vault.encrypt(secret),
            totp_enrolled=True,
        )
        account = await staff_repo.account_by_id(ctx.conn, account_id)
        assert account is not None
        token = f"ssc_console_{username}"
        await ctx.conn.execute(
            update(actors_table)
            .where(actors_table.c.id == account["actor_id"])
            .values(token_index=actors.token_index(token))
        )
    return StaffMember(username, PASSWORD, secret, role, account["actor_id"], token)


def code_now(secret: str, clock: ManualClock) -> str:
    return pyotp.TOTP(secret).at(clock.now())


async def sign_in(page: Page, base: str, who: StaffMember, clock: ManualClock) -> None:
    """Sign in through the pages: username and password, then the code of the clock's moment.
    The clock moves 30 s first, so that a second sign-in in one test is not a replayed code."""
    clock.advance(timedelta(seconds=31))
    await page.goto(f"{base}/signin")
    await page.get_by_label("用户名").fill(who.username)
    await page.get_by_label("密码").fill(who.password)
    await page.get_by_role("button", name="下一步").click()
    await page.get_by_label("验证码").fill(code_now(who.secret, clock))
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_load_state("networkidle")


# Every request a test's pages made to anything but the service itself (issue 12: no page loads
# anything from outside); tests/browser/conftest.py checks it is empty after each test.
OUTSIDE: list[str] = []
LOCAL = ("http://127.0.0.1:", "http://localhost:", "data:", "about:", "blob:")


async def new_page(browser: Browser, **options: Any) -> Page:
    context = await browser.new_context(
        viewport=options.pop("viewport", COUNTER_SCREEN), locale="zh-CN", **options
    )
    context.set_default_timeout(10_000)
    context.on("request", lambda request: _note_outside(request.url))
    return await context.new_page()


def _note_outside(url: str) -> None:
    if not url.startswith(LOCAL):
        OUTSIDE.append(url)


async def assert_accessible(page: Page) -> None:
    """axe-core's WCAG 2.1 A and AA rules find nothing on the page as it stands."""
    results = await Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


async def screenshot(page: Page, name: str) -> None:
    """Keep a journey's screenshot for the README (docs/screenshots/<name>.png), when asked
    (`make screenshots` sets SSCARD_SCREENSHOTS=1): a test run leaves the tree as it was."""
    if os.environ.get("SSCARD_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def outside_requests(page: Page) -> list[str]:
    """Every request the page made to a host other than the service (recorded by `record`)."""
    return list(getattr(page, "_outside", []))


def record_outside(page: Page, base: str) -> None:
    outside: list[str] = []
    page._outside = outside  # type: ignore[attr-defined]

    def seen(request: Any) -> None:
        url = request.url
        if not (url.startswith(base) or url.startswith("data:") or url.startswith("about:")):
            outside.append(url)

    page.on("request", seen)


__all__ = ["json"]
