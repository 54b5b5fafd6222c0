"""The sign-in rules of the staff console. Pure.

GB/T 22239-2019 (MLPS 2.0) level 3, 8.1.4.1 asks of every user of a level-3 system: a unique
identity with a password of some complexity, changed from time to time (a); handling of failed
sign-ins, ending idle sessions (b); and two or more kinds of authentication combined (d). sscard
holds 85 million persons' records, so every staff account — not only administrators — signs in
with a password and a TOTP code (RFC 6238): a clerk or a hotline agent reads full records all day,
which is exactly what a stolen password must not open.
"""

from __future__ import annotations

import string
from datetime import datetime, timedelta

from sscard.kernel.errors import DomainError, invalid

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128
PASSWORD_CLASSES_REQUIRED = 3  # of: lower case, upper case, digits, symbols
MAX_FAILED_ATTEMPTS = 5  # wrong passwords or codes in a row before the account locks
LOCK_MINUTES = 30
IDLE_MINUTES = 15  # a console left alone this long signs out (8.1.4.1 b)
SHIFT_HOURS = 12  # a session never outlives a working day, however active
SECOND_FACTOR_MINUTES = 5  # between the password and the code
TOTP_STEP_SECONDS = 30
USERNAME_ALPHABET = frozenset(string.ascii_lowercase + string.digits + "._-")


class SignInRefused(DomainError):
    """One answer for an unknown name and a wrong password: no account enumeration."""

    code = "sign_in_refused"
    status = 401
    rule = "GB/T 22239-2019 8.1.4.1"
    message_zh = "用户名或密码错误"
    message_en = "Wrong username or password"


class SecondFactorRefused(DomainError):
    code = "second_factor_refused"
    status = 401
    rule = "GB/T 22239-2019 8.1.4.1"
    message_zh = "动态验证码错误或已使用，请输入验证器上的新验证码"
    message_en = "Wrong or already used code: enter the authenticator's current code"


class AccountLocked(DomainError):
    code = "account_locked"
    status = 423
    rule = "GB/T 22239-2019 8.1.4.1"
    message_zh = "连续{attempts}次验证失败，账号已锁定至{until}，或请管理员重置"
    message_en = (
        "Locked after {attempts} failed attempts until {until}, or until an administrator resets it"
    )


class SessionEnded(DomainError):
    code = "session_ended"
    status = 401
    rule = "GB/T 22239-2019 8.1.4.1"
    message_zh = "会话已结束（{reason_zh}），请重新登录"
    message_en = "The session has ended ({reason}); sign in again"


ENDED_ZH = {
    "signed_out": "已退出",
    "idle": f"超过{IDLE_MINUTES}分钟未操作",
    "expired": "已超过一个班次",
    "reset": "账号已被重置",
    "locked": "账号已锁定",
}


def check_username(username: str) -> str:
    """A sign-in name: 3–32 of a–z, 0–9, '.', '_' and '-'; returned lower case."""
    name = username.strip().lower()
    if not 3 <= len(name) <= 32 or not set(name) <= USERNAME_ALPHABET:
        raise invalid(
            "username",
            "须为3至32个小写字母、数字或 . _ -",
            "must be 3 to 32 lower-case letters, digits or . _ -",
        )
    return name


def check_new_password(password: str, username: str) -> None:
    """Complexity (8.1.4.1 a): 10–128 characters, three of four classes, not the username."""
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise invalid(
            "password",
            f"长度须为{PASSWORD_MIN_LENGTH}至{PASSWORD_MAX_LENGTH}个字符",
            f"must be {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters",
        )
    if not password.isprintable() or not password.isascii():
        raise invalid(
            "password", "只能包含键盘上的可见字符", "may hold visible keyboard characters only"
        )
    classes = (
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(c in string.punctuation for c in password),
    )
    if sum(classes) < PASSWORD_CLASSES_REQUIRED:
        raise invalid(
            "password",
            "须包含小写字母、大写字母、数字、符号中的至少三类",
            "must mix at least three of: lower case, upper case, digits, symbols",
        )
    if username.lower() in password.lower():
        raise invalid("password", "不能包含用户名", "must not contain the username")


def locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def after_failure(failed_attempts: int, now: datetime) -> tuple[int, datetime | None]:
    """The count after one more failure, and the lock it brings (None below the limit)."""
    count = failed_attempts + 1
    if count >= MAX_FAILED_ATTEMPTS:
        return count, now + timedelta(minutes=LOCK_MINUTES)
    return count, None


def session_end_reason(
    stage: str, created_at: datetime, last_seen_at: datetime, now: datetime
) -> str | None:
    """Why a live session must end now (idle, expired), or None while it may go on."""
    if stage == "password" and now - created_at > timedelta(minutes=SECOND_FACTOR_MINUTES):
        return "expired"
    if now - created_at > timedelta(hours=SHIFT_HOURS):
        return "expired"
    if now - last_seen_at > timedelta(minutes=IDLE_MINUTES):
        return "idle"
    return None


def totp_step(now: datetime) -> int:
    return int(now.timestamp()) // TOTP_STEP_SECONDS
