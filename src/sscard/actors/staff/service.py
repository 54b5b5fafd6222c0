"""Staff accounts and console sign-in: password (argon2id), TOTP, sessions (issue 12).

The console's cookie holds a random session token; the database keeps only its HMAC-SM3 index.
A session first passes the password (stage `password`), then the TOTP code (stage
`signed_in`); only a signed-in session acts, as the account's actor (SPEC CH-1), so a page
does exactly what the same actor's API token could. The rules are in `rules.py`.
"""

from __future__ import annotations

import hmac
import os
import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import pyotp
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from sscard.actors import service as actors
from sscard.actors.staff import repository as repo
from sscard.actors.staff import rules
from sscard.actors.staff.permissions import MANAGE_STAFF
from sscard.kernel.actor import Actor, Role, authorize, city_scope
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, NotFound, invalid
from sscard.platform.throttle import service as throttle
from sscard.platform.throttle.rules import Door, TooManyRequests


def password_hasher(env: Mapping[str, str]) -> PasswordHasher:
    """Staff passwords' hasher: argon2id with RFC 9106's second recommended parameters (64 MiB,
    3 passes, 4 lanes; some 0.4 s of CPU a hash). SSCARD_STAFF_PASSWORD_HASHING=test takes
    argon2-cffi's CHEAPEST profile instead, for the test suite only (tests/conftest.py), where
    thousands of sign-ins would spend minutes hashing; any other value is the default."""
    if env.get("SSCARD_STAFF_PASSWORD_HASHING") == "test":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


HASHER = password_hasher(os.environ)


@cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so that both answers take the same time;
    made on the first sign-in, not at import (some 0.4 s of CPU every process would pay)."""
    return HASHER.hash(secrets.token_urlsafe(16))


ISSUER = "sscard"
STAFF_ROLES = (
    Role.OUTLET_CLERK,
    Role.HOTLINE_AGENT,
    Role.CENTRE_ADMIN,
    Role.PROVINCE_ADMIN,
    Role.AUDITOR,
)


@dataclass(frozen=True)
class NewStaff:
    """A staff account to create: its sign-in name, the name shown, its role and binding."""

    username: str
    display_name: str
    role: Role
    outlet_code: str | None = None
    city_code: str | None = None


@dataclass(frozen=True)
class StaffSession:
    """A live console session: who it acts as, and what it still has to do."""

    session_id: int
    account_id: int
    username: str
    actor: Actor
    stage: str  # "password" (second factor pending) or "signed_in"
    totp_enrolled: bool
    must_change_password: bool
    outlet_code: str | None


@dataclass(frozen=True)
class SignInOutcome:
    """What a sign-in attempt came to. A refusal is returned, not raised, so that the failed
    attempt it counts is committed (lockout, 8.1.4.1 b)."""

    token: str | None = None
    refusal: DomainError | None = None


class NotAStaffRole(DomainError):
    code = "not_a_staff_role"
    rule = "CH-1"
    message_zh = "“{role}”不是工作人员角色；银行、场景等系统使用API令牌"
    message_en = "'{role}' is not a staff role; banks and other systems use API tokens"


class UsernameTaken(DomainError):
    code = "username_taken"
    status = 409
    message_zh = "用户名已被使用"
    message_en = "This username is already taken"


def initial_password() -> str:
    """A one-time password that meets the policy, handed to the person once."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(14)) + "-"
        candidate += secrets.choice(string.digits)
        try:
            rules.check_new_password(candidate, "~")
            return candidate
        except DomainError:
            continue


async def create_staff(ctx: Ctx, new: NewStaff) -> tuple[int, str]:
    """Create a staff account and its actor; returns the account id and the initial password,
    shown once. Raises NotAStaffRole, UsernameTaken, and the actor binding's refusals."""
    authorize(ctx.actor, MANAGE_STAFF)
    if new.role not in STAFF_ROLES:
        raise NotAStaffRole(field="role", role=new.role.value)
    username = rules.check_username(new.username)
    if await repo.username_taken(ctx.conn, username):
        raise UsernameTaken(field="username")
    actor_id, _ = await actors.create_actor(
        ctx,
        actors.NewActor(
            new.role, new.display_name, outlet_code=new.outlet_code, city_code=new.city_code
        ),
    )
    password = initial_password()
    account_id = await repo.insert_account(
        ctx.conn,
        {
            "username": username,
            "actor_id": actor_id,
            "password_hash": HASHER.hash(password),
            "must_change_password": True,
            "totp_secret_enc": None,
            "totp_enrolled": False,
            "totp_last_step": None,
            "failed_attempts": 0,
            "locked_until": None,
            "active": True,
            "created_at": ctx.now,
            "password_changed_at": ctx.now,
        },
    )
    return account_id, password


async def reset_staff(ctx: Ctx, account_id: int) -> str:
    """A new initial password; the authenticator is enrolled afresh, the lock lifted and every
    session ended. Returns the password (shown once); NotFound outside one's city."""
    authorize(ctx.actor, MANAGE_STAFF)
    account = await repo.account_by_id(ctx.conn, account_id, city_scope(ctx.actor))
    if account is None:
        raise NotFound(field="account_id", what_zh="工作人员账号", what_en="Staff account")
    password = initial_password()
    await repo.update_account(
        ctx.conn,
        account_id,
        password_hash=HASHER.hash(password),
        must_change_password=True,
        totp_secret_enc=None,
        totp_enrolled=False,
        totp_last_step=None,
        failed_attempts=0,
        locked_until=None,
        password_changed_at=ctx.now,
    )
    await repo.end_sessions_of(ctx.conn, account_id, "reset", ctx.now)
    return password


async def deactivate_staff(ctx: Ctx, account_id: int) -> None:
    """Close a staff account (a person who left or changed post): it signs in no more, its
    sessions end and its actor is switched off; a reset does not reopen it. NotFound outside
    one's city; one's own account is refused (an administrator cannot lock themselves out)."""
    authorize(ctx.actor, MANAGE_STAFF)
    account = await repo.account_by_id(ctx.conn, account_id, city_scope(ctx.actor))
    if account is None:
        raise NotFound(field="account_id", what_zh="工作人员账号", what_en="Staff account")
    if account["actor_id"] == ctx.actor.id:
        raise invalid("account_id", "不能停用自己的账号", "you cannot deactivate your own account")
    await repo.update_account(ctx.conn, account_id, active=False)
    await repo.end_sessions_of(ctx.conn, account_id, "deactivated", ctx.now)
    await actors.deactivate_actor(ctx, account["actor_id"])


async def list_staff(ctx: Ctx) -> list[dict[str, Any]]:
    """Staff accounts (own city for a city's administrator): name, role, binding, state."""
    authorize(ctx.actor, MANAGE_STAFF)
    rows = await repo.list_accounts(ctx.conn, city_scope(ctx.actor))
    return [
        {
            "id": r["id"],
            "username": r["username"],
            "display_name": r["display_name"],
            "role": r["role"],
            "outlet_code": r["outlet_code"],
            "city_code": r["city_code"],
            "totp_enrolled": r["totp_enrolled"],
            "locked": rules.locked(r["locked_until"], ctx.now),
            "must_change_password": r["must_change_password"],
            "active": r["active"],
        }
        for r in rows
    ]


async def sign_in(ctx: Ctx, username: str, password: str, *, client: str | None) -> SignInOutcome:
    """Check the password; on success open a session waiting for the second factor. A client
    address that has tried too many passwords is refused before any is checked
    (platform.throttle: one client cannot lock many accounts)."""
    try:
        await throttle.admit(ctx, Door.SIGN_IN_SECRET, client)
    except TooManyRequests as refused:
        return SignInOutcome(refusal=refused)
    account = await repo.account_by_username(ctx.conn, username.strip().lower()[:64])
    if account is None or not account["active"]:
        _verify(_dummy_hash(), password)
        return SignInOutcome(refusal=rules.SignInRefused(field="password"))
    right = _verify(account["password_hash"], password)
    if rules.locked(account["locked_until"], ctx.now):
        # Only the one who knows the password learns of the lock: to anyone else a locked
        # account answers as an unknown name does (no enumeration by locking).
        refusal = _lock_refusal(account["locked_until"]) if right else None
        return SignInOutcome(refusal=refusal or rules.SignInRefused(field="password"))
    if not right:
        return SignInOutcome(refusal=await _count_failure(ctx, account, "password"))
    if HASHER.check_needs_rehash(account["password_hash"]):
        await repo.update_account(ctx.conn, account["id"], password_hash=HASHER.hash(password))
    token = secrets.token_urlsafe(32)
    await repo.insert_session(
        ctx.conn,
        {
            "token_index": ctx.vault.index(token),
            "account_id": account["id"],
            "stage": "password",
            "created_at": ctx.now,
            "last_seen_at": ctx.now,
        },
    )
    return SignInOutcome(token=token)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _lock_refusal(until: datetime) -> DomainError:
    local = until + timedelta(hours=8)  # shown in Beijing time
    return rules.AccountLocked(
        attempts=rules.MAX_FAILED_ATTEMPTS, until=local.strftime("%Y-%m-%d %H:%M")
    )


async def _count_failure(ctx: Ctx, account: dict[str, Any], field: str) -> DomainError:
    count, lock = rules.after_failure(account["failed_attempts"], ctx.now)
    await repo.update_account(ctx.conn, account["id"], failed_attempts=count, locked_until=lock)
    if lock is not None:
        await repo.end_sessions_of(ctx.conn, account["id"], "locked", ctx.now)
    if field == "password":  # the lock is told only with the right password (sign_in)
        return rules.SignInRefused(field="password")
    if lock is not None:
        return _lock_refusal(lock)
    return rules.SecondFactorRefused(field="code")


@dataclass(frozen=True)
class SessionCheck:
    """What a read of a cookie's session found: the session as it stands, and whether serving
    it needs a write first (`end_reason`: it must end now, idle or too old; `touch`: last seen
    over a minute ago)."""

    current: StaffSession
    end_reason: str | None
    touch: bool

    @property
    def needs_write(self) -> bool:
        return self.end_reason is not None or self.touch


async def check_session(ctx: Ctx, token: str | None) -> SessionCheck:
    """The live session of a cookie, read only (a page view's usual case writes nothing);
    raises SessionEnded for a cookie of no live session."""
    row = await repo.live_session(ctx.conn, ctx.vault.index(token)) if token else None
    if row is None or not row["active"]:
        raise rules.SessionEnded(reason="signed_out", reason_zh=rules.ENDED_ZH["signed_out"])
    reason = rules.session_end_reason(row["stage"], row["created_at"], row["last_seen_at"], ctx.now)
    touch = ctx.now - row["last_seen_at"] > timedelta(minutes=1)
    return SessionCheck(_staff_session(row), reason, touch)


async def session(ctx: Ctx, token: str | None) -> StaffSession:
    """The live session of a cookie; ends it (and raises SessionEnded) when idle or too old.
    A session is touched at most once a minute, so that reading pages costs few writes."""
    check = await check_session(ctx, token)
    current = check.current
    if check.end_reason is not None:
        await repo.update_session(
            ctx.conn, current.session_id, ended_at=ctx.now, ended_reason=check.end_reason
        )
        reason = check.end_reason
        raise rules.SessionEnded(reason=reason, reason_zh=rules.ENDED_ZH[reason])
    if check.touch:
        await repo.update_session(ctx.conn, current.session_id, last_seen_at=ctx.now)
    return current


def _staff_session(row: dict[str, Any]) -> StaffSession:
    return StaffSession(
        session_id=row["session_id"],
        account_id=row["id"],
        username=row["username"],
        actor=actors.actor_of({**row, "id": row["actor_id"]}),
        stage=row["stage"],
        totp_enrolled=row["totp_enrolled"],
        must_change_password=row["must_change_password"],
        outlet_code=row["outlet_code"],
    )


async def begin_enrollment(ctx: Ctx, token: str) -> tuple[str, str]:
    """The TOTP secret of an account not yet enrolled: (base32 secret, otpauth URI). The same
    key until it is confirmed, so a page reloaded after scanning does not leave the app with a
    stale one; a reset makes a new one."""
    current = await session(ctx, token)
    if current.totp_enrolled:
        raise invalid("code", "验证器已绑定", "an authenticator is already enrolled")
    account = await repo.account_by_id(ctx.conn, current.account_id)
    assert account is not None
    if account["totp_secret_enc"] is not None:  # shown before, not yet confirmed: the same key
        secret = ctx.vault.decrypt(account["totp_secret_enc"])
    else:
        secret = pyotp.random_base32()
        await repo.update_account(
            ctx.conn, current.account_id, totp_secret_enc=ctx.vault.encrypt(secret)
        )
    uri = pyotp.TOTP(secret).provisioning_uri(name=current.username, issuer_name=ISSUER)
    return secret, uri


async def second_factor(ctx: Ctx, token: str, code: str) -> tuple[str | None, DomainError | None]:
    """Take a TOTP code: enrolls a pending secret or checks the enrolled one, and completes the
    session's sign-in under a new token (the one the password step gave is worth nothing once
    both factors are in). Returns (the new session token, None), or (None, the refusal,
    committed as a failed attempt)."""
    current = await session(ctx, token)
    account = await repo.account_by_id(ctx.conn, current.account_id)
    assert account is not None
    if rules.locked(account["locked_until"], ctx.now):
        return None, _lock_refusal(account["locked_until"])
    if account["totp_secret_enc"] is None:
        return None, invalid("code", "请先绑定验证器", "enroll an authenticator first")
    secret = ctx.vault.decrypt(account["totp_secret_enc"])
    step = _matching_step(secret, code.strip(), ctx.now)
    if step is None or (
        account["totp_last_step"] is not None and step <= account["totp_last_step"]
    ):
        return None, await _count_failure(ctx, account, "code")
    await repo.update_account(
        ctx.conn,
        current.account_id,
        totp_enrolled=True,
        totp_last_step=step,
        failed_attempts=0,
        locked_until=None,
    )
    fresh = secrets.token_urlsafe(32)
    await repo.update_session(
        ctx.conn,
        current.session_id,
        stage="signed_in",
        last_seen_at=ctx.now,
        token_index=ctx.vault.index(fresh),
    )
    return fresh, None


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The 30-second step whose code this is, one step either side for clock drift."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    step = rules.totp_step(now)
    for candidate in (step - 1, step, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


async def change_password(ctx: Ctx, token: str, current_password: str, new_password: str) -> None:
    """Replace the password of a signed-in session's account (checked against the policy);
    every other session of the account ends (one opened with the old password, perhaps by
    someone who had it), this one goes on."""
    current = await session(ctx, token)
    account = await repo.account_by_id(ctx.conn, current.account_id)
    assert account is not None
    if not _verify(account["password_hash"], current_password):
        raise invalid("current_password", "当前密码不正确", "the current password is wrong")
    rules.check_new_password(new_password, current.username)
    if _verify(account["password_hash"], new_password):
        raise invalid("password", "不能与当前密码相同", "must differ from the current password")
    await repo.update_account(
        ctx.conn,
        current.account_id,
        password_hash=HASHER.hash(new_password),
        must_change_password=False,
        password_changed_at=ctx.now,
    )
    await repo.end_sessions_of(
        ctx.conn, current.account_id, "password_changed", ctx.now, keep=current.session_id
    )


async def sign_out(ctx: Ctx, token: str | None) -> None:
    """End the cookie's session, if it is live."""
    row = await repo.live_session(ctx.conn, ctx.vault.index(token)) if token else None
    if row is not None:
        await repo.update_session(
            ctx.conn, row["session_id"], ended_at=ctx.now, ended_reason="signed_out"
        )


async def has_staff_admin(ctx: Ctx) -> bool:
    """Whether any staff account can administer the province (set-up creates the first)."""
    return any(r["role"] == Role.PROVINCE_ADMIN.value for r in await repo.list_accounts(ctx.conn))


async def initial_password_in_use(ctx: Ctx, username: str) -> bool:
    """Whether the account still signs in with the one-time password it was given (created or
    reset, not yet changed by its holder)."""
    account = await repo.account_by_username(ctx.conn, username)
    return account is not None and bool(account["must_change_password"])


# ---- unit agents (issue 13, SPEC APP-3): accounts made and closed by the units context ----


async def create_unit_agent_account(
    ctx: Ctx, username: str, display_name: str, unit_code: str, city_code: str
) -> tuple[int, int, str]:
    """A console account for a unit's agent: an actor of role unit_agent bound to the unit's
    credit code (and its city, so the city's centre can reset it), signing in like staff
    (password, then TOTP enrolled at the first sign-in). Returns (account id, actor id, the
    one-time initial password). No authorisation here: units.service authorised the clerk's
    NAME_UNIT_AGENT; create_staff still refuses the role (NotAStaffRole). Raises
    UsernameTaken and the username rule's refusal."""
    name = rules.check_username(username)
    if await repo.username_taken(ctx.conn, name):
        raise UsernameTaken(field="username")
    actor_id = await repo.insert_unit_agent_actor(
        ctx.conn,
        {
            "token_index": actors.token_index(actors.TOKEN_PREFIX + secrets.token_urlsafe(32)),
            "role": Role.UNIT_AGENT.value,
            "display_name": display_name[: actors.DISPLAY_NAME_MAX],
            "unit_code": unit_code,
            "city_code": city_code,
            "active": True,
            "created_at": ctx.now,
        },
    )
    password = initial_password()
    account_id = await repo.insert_account(
        ctx.conn,
        {
            "username": name,
            "actor_id": actor_id,
            "password_hash": HASHER.hash(password),
            "must_change_password": True,
            "totp_secret_enc": None,
            "totp_enrolled": False,
            "totp_last_step": None,
            "failed_attempts": 0,
            "locked_until": None,
            "active": True,
            "created_at": ctx.now,
            "password_changed_at": ctx.now,
        },
    )
    return account_id, actor_id, password


async def close_unit_agent_account(ctx: Ctx, actor_id: int) -> None:
    """An ended agent signs in no more: the account closed, its sessions ended, the actor
    switched off (at once on this process). The caller authorised END_UNIT_AGENT."""
    account = await repo.account_of_actor(ctx.conn, actor_id)
    if account is not None:
        await repo.update_account(ctx.conn, account["id"], active=False)
        await repo.end_sessions_of(ctx.conn, account["id"], "deactivated", ctx.now)
    await repo.switch_actor_off(ctx.conn, actor_id)
    actors.TokenCache.shared.clear()
