"""The rules of real-name sign-in (issue 13 item 1): pure.

A code is six digits, good for five minutes, tried at most five times, taken once. A person gets
at most five codes an hour (a code sent is an SMS paid for, and a code guessed is a record
read). A session ends after 30 minutes idle or 12 hours. Whether the details named anybody is
never said: a wrong number, a wrong name, no phone on record and a wrong code get one answer.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sscard.kernel.errors import DomainError

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=5)
# Step 1 answers after at least this long whatever the details named, so that its timing does
# not tell a registered person's number and name (with a code to queue) from anybody else's.
STEP_ONE_SECONDS = 0.25
MAX_CODE_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5
IDLE = timedelta(minutes=30)
LONGEST = timedelta(hours=12)
TOKEN_PREFIX = "ssco_"  # an online session's bearer token, told apart from an actor's own
# What step 1 always answers, match or not.
NOTICE_ZH = "如信息与登记信息一致，验证码已发送至登记的手机，5分钟内有效；每小时最多发送5次。"
NOTICE_EN = (
    "If the details match a registered person, a code was sent to the phone on record, valid "
    "for 5 minutes; at most 5 codes an hour."
)


class CodeRefused(DomainError):
    """One answer for a wrong, expired, used or over-tried code and for details that named
    nobody: no enumeration of persons or phones."""

    code = "sign_in_code_refused"
    status = 401
    rule = "ID-6"
    message_zh = "验证码错误或已失效，请重新获取"
    message_en = "The code is wrong or no longer valid; ask for a new one"


class OnlineSessionEnded(DomainError):
    code = "online_session_ended"
    status = 401
    message_zh = "登录已失效，请重新登录"
    message_en = "The session has ended; sign in again"


def new_code() -> str:
    """A code of CODE_DIGITS digits from the system's random source."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def code_takes(challenge: dict[str, object], now: datetime) -> bool:
    """Whether a challenge may still be answered: it named somebody, it is neither used nor
    expired, and it has tries left."""
    expires_at = challenge["expires_at"]
    attempts = challenge["attempts"]
    return (
        challenge["person_id"] is not None
        and challenge["used_at"] is None
        and isinstance(expires_at, datetime)
        and now < expires_at
        and isinstance(attempts, int)
        and attempts < MAX_CODE_ATTEMPTS
    )


def session_end_reason(created_at: datetime, last_seen_at: datetime, now: datetime) -> str | None:
    """Why a live session must end now (idle, expired), or None."""
    if now - created_at >= LONGEST:
        return "expired"
    if now - last_seen_at >= IDLE:
        return "idle"
    return None
