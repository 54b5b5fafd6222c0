"""Staff accounts and console sessions on both databases (issue 12; GB/T 22239-2019 8.1.4.1)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select

from sscard.actors.service import NotYoursToCreate
from sscard.actors.staff import rules
from sscard.actors.staff import service as staff
from sscard.actors.staff.models import staff_accounts, staff_sessions
from sscard.kernel.actor import OPERATOR, Actor, Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.errors import DomainError, Forbidden, InvalidInput
from sscard.kernel.runtime import Runtime
from sscard.platform.throttle.rules import LIMITS, Door, TooManyRequests
from sscard.setup import set_up
from sscard.web.session import SIGN_IN

CITY_ADMIN = Actor(id=None, role=Role.CENTRE_ADMIN, display_name="苏州中心", city_code="3205")


async def _create(rt: Runtime, new: staff.NewStaff, by: Actor = OPERATOR) -> tuple[int, str]:
    async with rt.unit(by) as ctx:
        return await staff.create_staff(ctx, new)


async def _sign_in(rt: Runtime, username: str, password: str) -> staff.SignInOutcome:
    async with rt.unit(SIGN_IN) as ctx:
        return await staff.sign_in(ctx, username, password, client=None)


async def _enrol(rt: Runtime, token: str) -> str:
    async with rt.unit(SIGN_IN) as ctx:
        secret, uri = await staff.begin_enrollment(ctx, token)
    assert uri.startswith("otpauth://totp/sscard:")
    return secret


async def _code(rt: Runtime, token: str, code: str) -> DomainError | None:
    """The refusal of a code, or None; a taken code moves the session to a new token, which
    `_tokens` maps the old one to."""
    async with rt.unit(SIGN_IN) as ctx:
        fresh, refusal = await staff.second_factor(ctx, token, code)
    if fresh is not None:
        _tokens[token] = fresh
    return refusal


_tokens: dict[str, str] = {}


async def _session(rt: Runtime, token: str) -> staff.StaffSession:
    async with rt.unit(SIGN_IN) as ctx:
        return await staff.session(ctx, token)


async def _signed_in(rt: Runtime, clock: ManualClock, username: str) -> tuple[str, str]:
    """A new account through its first sign-in: (session token, TOTP secret)."""
    _, password = await _create(rt, staff.NewStaff(username, "测试", Role.PROVINCE_ADMIN))
    outcome = await _sign_in(rt, username, password)
    assert outcome.token is not None
    secret = await _enrol(rt, outcome.token)
    assert await _code(rt, outcome.token, pyotp.TOTP(secret).at(clock.now())) is None
    fresh = _tokens[outcome.token]
    assert fresh != outcome.token
    with pytest.raises(rules.SessionEnded):  # the password step's token is worth nothing now
        await _session(rt, outcome.token)
    return fresh, secret


async def test_passwords_are_argon2id_and_cookies_are_stored_only_as_a_keyed_digest(
    rt: Runtime, clock: ManualClock
) -> None:
    token, _ = await _signed_in(rt, clock, "wu.fang")
    async with rt.unit(OPERATOR, readonly=True) as ctx:
        account = (await ctx.conn.execute(select(staff_accounts))).mappings().one()
        session = (await ctx.conn.execute(select(staff_sessions))).mappings().one()
        assert ctx.vault.decrypt(account["totp_secret_enc"])  # sealed, not in clear
    assert account["password_hash"].startswith("$argon2id$")
    assert session["token_index"] != token
    assert token not in session["token_index"]
    assert session["stage"] == "signed_in"


async def test_wrong_passwords_lock_the_account_and_the_lock_is_committed(
    rt: Runtime, clock: ManualClock
) -> None:
    _, password = await _create(rt, staff.NewStaff("li.na", "李娜", Role.AUDITOR))
    for _ in range(6):  # the fifth locks it; the sixth is refused like any wrong password
        outcome = await _sign_in(rt, "li.na", "Wrong-Password-1")
        assert isinstance(outcome.refusal, rules.SignInRefused)
        assert outcome.token is None
    locked = await _sign_in(rt, "li.na", password)
    assert isinstance(locked.refusal, rules.AccountLocked)  # told only with the right password
    clock.advance(timedelta(minutes=30))
    assert (await _sign_in(rt, "li.na", password)).token is not None


async def test_an_unknown_name_and_a_wrong_password_get_the_same_answer(
    rt: Runtime, clock: ManualClock
) -> None:
    await _create(rt, staff.NewStaff("li.na", "李娜", Role.AUDITOR))
    unknown = await _sign_in(rt, "nobody", "Wrong-Password-1")
    wrong = await _sign_in(rt, "li.na", "Wrong-Password-1")
    assert unknown.refusal is not None
    assert wrong.refusal is not None
    assert (unknown.refusal.code, unknown.refusal.detail_zh) == (
        wrong.refusal.code,
        wrong.refusal.detail_zh,
    )


async def test_a_locked_account_answers_a_wrong_password_as_an_unknown_name_does(
    rt: Runtime, clock: ManualClock
) -> None:
    """No enumeration by locking: five wrong passwords give five answers an unknown name gives
    too, and the locked account answers a wrong password the same way; only the right password
    learns of the lock (found by the attacker session: the lock answered 423, a name 401)."""
    await _create(rt, staff.NewStaff("li.na", "李娜", Role.AUDITOR))
    answers = [await _sign_in(rt, name, "Wrong-Password-1") for name in ["li.na"] * 7]
    unknown = [await _sign_in(rt, "nobody", "Wrong-Password-1") for _ in range(7)]
    seen = {(o.refusal.code, o.refusal.status, o.refusal.detail_zh) for o in answers + unknown}  # type: ignore[union-attr]
    assert seen == {("sign_in_refused", 401, "用户名或密码错误")}


async def test_one_client_cannot_lock_many_accounts(rt: Runtime, clock: ManualClock) -> None:
    """Five wrong passwords lock an account (GB/T 22239-2019 8.1.4.1), so anyone could lock
    everybody's; one client address gets LIMITS[SIGN_IN_SECRET].most tries in the window,
    then a 429 before any password is checked (platform.throttle), while others go on."""
    limit = LIMITS[Door.SIGN_IN_SECRET]
    _, password = await _create(rt, staff.NewStaff("li.na", "李娜", Role.AUDITOR))
    async with rt.unit(SIGN_IN) as ctx:
        for n in range(limit.most):
            tried = await staff.sign_in(ctx, f"user{n}", "Wrong-Password-1", client="192.0.2.7")
            assert isinstance(tried.refusal, rules.SignInRefused)
    async with rt.unit(SIGN_IN) as ctx:
        held = await staff.sign_in(ctx, "li.na", password, client="192.0.2.7")
    assert isinstance(held.refusal, TooManyRequests)
    assert (held.refusal.status, held.refusal.field) == (429, "client")
    async with rt.unit(SIGN_IN) as ctx:
        elsewhere = await staff.sign_in(ctx, "li.na", password, client="198.51.100.4")
    assert elsewhere.token is not None
    clock.advance(limit.window)
    async with rt.unit(SIGN_IN) as ctx:
        later = await staff.sign_in(ctx, "li.na", password, client="192.0.2.7")
    assert later.token is not None


async def test_a_code_is_taken_once_and_only_near_its_moment(
    rt: Runtime, clock: ManualClock
) -> None:
    token, secret = await _signed_in(rt, clock, "wu.fang")
    totp = pyotp.TOTP(secret)
    async with rt.unit(SIGN_IN) as ctx:
        await staff.sign_out(ctx, token)
    again = await _sign_in(rt, "wu.fang", await _password_of(rt, "wu.fang"))
    assert again.token is not None
    replayed = await _code(rt, again.token, totp.at(clock.now()))
    assert isinstance(replayed, rules.SecondFactorRefused)
    too_far = await _code(rt, again.token, totp.at(clock.now() + timedelta(seconds=90)))
    assert isinstance(too_far, rules.SecondFactorRefused)
    clock.advance(timedelta(seconds=30))
    assert await _code(rt, again.token, totp.at(clock.now())) is None
    assert (await _session(rt, _tokens[again.token])).stage == "signed_in"


async def _password_of(rt: Runtime, username: str) -> str:
    """Give the account a known password (as if the person had changed it)."""
    async with rt.unit(OPERATOR) as ctx:
        await ctx.conn.execute(
            staff_accounts.update()
            .where(staff_accounts.c.username == username)
            .values(password_hash=staff.HASHER.hash("Known-Pass-2026"))
        )
    return "Known-Pass-2026"


async def test_a_session_ends_after_fifteen_idle_minutes_and_stays_ended(
    rt: Runtime, clock: ManualClock
) -> None:
    token, _ = await _signed_in(rt, clock, "wu.fang")
    clock.advance(timedelta(minutes=14))
    assert (await _session(rt, token)).actor.role is Role.PROVINCE_ADMIN
    clock.advance(timedelta(minutes=14))
    assert (await _session(rt, token)).stage == "signed_in"  # touched 14 minutes ago
    clock.advance(timedelta(minutes=16))
    with pytest.raises(rules.SessionEnded) as ended:
        await _session(rt, token)
    assert ended.value.params["reason"] == "idle"
    clock.advance(timedelta(seconds=1))
    with pytest.raises(rules.SessionEnded):
        await _session(rt, token)


async def test_a_reset_ends_sessions_and_asks_for_a_new_authenticator_and_password(
    rt: Runtime, clock: ManualClock
) -> None:
    token, _ = await _signed_in(rt, clock, "wu.fang")
    async with rt.unit(OPERATOR) as ctx:
        (account,) = [a for a in await staff.list_staff(ctx) if a["username"] == "wu.fang"]
        new_password = await staff.reset_staff(ctx, account["id"])
    with pytest.raises(rules.SessionEnded):
        await _session(rt, token)
    outcome = await _sign_in(rt, "wu.fang", new_password)
    assert outcome.token is not None
    fresh = await _session(rt, outcome.token)
    assert not fresh.totp_enrolled
    assert fresh.must_change_password
    assert fresh.stage == "password"


async def test_a_new_password_follows_the_policy_and_needs_the_current_one(
    rt: Runtime, clock: ManualClock
) -> None:
    token, _ = await _signed_in(rt, clock, "wu.fang")
    current = await _password_of(rt, "wu.fang")
    async with rt.unit(SIGN_IN) as ctx:
        with pytest.raises(InvalidInput) as wrong:
            await staff.change_password(ctx, token, "not-it", "Another-Pass-2026")
        assert wrong.value.field == "current_password"
        with pytest.raises(InvalidInput) as weak:
            await staff.change_password(ctx, token, current, "weakweakweak")
        assert weak.value.field == "password"
        await staff.change_password(ctx, token, current, "Another-Pass-2026")
    assert (await _sign_in(rt, "wu.fang", "Another-Pass-2026")).token is not None


async def test_a_changed_password_ends_every_other_session_of_the_account(
    rt: Runtime, clock: ManualClock
) -> None:
    """GB/T 22239-2019 8.1.4.1: a session opened with the old password (perhaps by someone who
    had it) ends when the password changes; the one that changed it goes on (found by the
    attacker session: both stayed signed in)."""
    token, secret = await _signed_in(rt, clock, "wu.fang")
    current = await _password_of(rt, "wu.fang")
    other = await _sign_in(rt, "wu.fang", current)
    assert other.token is not None
    clock.advance(timedelta(seconds=31))
    assert await _code(rt, other.token, pyotp.TOTP(secret).at(clock.now())) is None
    elsewhere = _tokens[other.token]
    await _session(rt, elsewhere)  # signed in twice
    async with rt.unit(SIGN_IN) as ctx:
        await staff.change_password(ctx, token, current, "Another-Pass-2026")
    with pytest.raises(rules.SessionEnded):
        await _session(rt, elsewhere)
    assert (await _session(rt, token)).stage == "signed_in"


async def test_only_administrators_make_staff_and_a_city_only_its_own(
    rt: Runtime, clock: ManualClock
) -> None:
    clerk = Actor(id=None, role=Role.OUTLET_CLERK, display_name="柜员", outlet_kind="hr")
    with pytest.raises(Forbidden):
        await _create(rt, staff.NewStaff("x.y", "某", Role.AUDITOR), by=clerk)
    with pytest.raises(NotYoursToCreate):
        await _create(
            rt,
            staff.NewStaff("n.j", "南京坐席", Role.HOTLINE_AGENT, city_code="3201"),
            by=CITY_ADMIN,
        )
    await _create(
        rt,
        staff.NewStaff("s.z", "苏州坐席", Role.HOTLINE_AGENT, city_code="3205"),
        by=CITY_ADMIN,
    )
    with pytest.raises(staff.UsernameTaken):
        await _create(rt, staff.NewStaff("s.z", "又一个", Role.AUDITOR))
    with pytest.raises(staff.NotAStaffRole):
        await _create(rt, staff.NewStaff("bank.x", "银行", Role.BANK_SYSTEM))
    async with rt.unit(CITY_ADMIN, readonly=True) as ctx:
        assert [a["username"] for a in await staff.list_staff(ctx)] == ["s.z"]


async def test_set_up_keeps_the_first_administrators_password_only_while_it_opens_anything(
    rt: Runtime, clock: ManualClock, tmp_path: Path
) -> None:
    """Issue 12: set-up writes the first administrator's one-time password (0600) once; once
    'admin' has a password of their own, the next set-up removes the file (found by the
    fresh-user session: a second `make run` still pointed at the dead password)."""
    secret_file = tmp_path / "admin.password"
    counts = await set_up(rt, admin_password_file=secret_file)
    assert counts.get("first_staff_account") == 1
    first = secret_file.read_text().strip()
    assert (secret_file.stat().st_mode & 0o777) == 0o600
    await set_up(rt, admin_password_file=secret_file)  # run again: the same file, still valid
    assert secret_file.read_text().strip() == first
    outcome = await _sign_in(rt, "admin", first)
    assert outcome.token is not None
    async with rt.unit(OPERATOR) as ctx:
        await ctx.conn.execute(
            staff_accounts.update()
            .where(staff_accounts.c.username == "admin")
            .values(must_change_password=False)
        )
    await set_up(rt, admin_password_file=secret_file)
    assert not secret_file.exists()
