"""Per-client limits on the doors anyone may knock on: pure.

The online hall's real-name sign-in caps codes per person (actors.online.rules), which anyone
knowing a person's number and name could use up, and the staff console locks an account after
five wrong passwords (GB/T 22239-2019 8.1.4.1), which anyone could trigger. Counting per client
address as well stops one client from doing either to many people, or to one person for long.
Addresses behind one carrier-grade NAT share a count, so the limits are generous; a
deployment puts the national platform's real-person check or a challenge in front of step 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sscard.kernel.errors import DomainError


class Door(StrEnum):
    """What is counted: a code asked for, or a secret (code, password) tried."""

    SIGN_IN_CODE = "sign_in_code"  # the hall's step 1: an SMS sent (paid) or a person's cap used
    SIGN_IN_SECRET = "sign_in_secret"  # the hall's step 2, the console's password step


@dataclass(frozen=True)
class Limit:
    most: int  # knocks allowed from one client within `window`
    window: timedelta


LIMITS: dict[Door, Limit] = {
    Door.SIGN_IN_CODE: Limit(60, timedelta(hours=1)),
    Door.SIGN_IN_SECRET: Limit(60, timedelta(minutes=15)),
}


class TooManyRequests(DomainError):
    """The client has knocked LIMITS[door].most times within the window: it waits, whatever
    the details were (whether they named anybody is never said)."""

    code = "too_many_requests"
    status = 429
    message_zh = "此网络地址的请求过于频繁，请{minutes}分钟后再试"
    message_en = "Too many requests from this network address; try again in {minutes} minutes"


def refusal(door: Door, knocks_in_window: list[datetime], now: datetime) -> TooManyRequests | None:
    """The refusal for one more knock at `door` now, given the client's knocks still inside
    the window (any order), or None when it may knock."""
    limit = LIMITS[door]
    if len(knocks_in_window) < limit.most:
        return None
    oldest = min(knocks_in_window)
    wait = max(oldest + limit.window - now, timedelta(minutes=1))
    return TooManyRequests(field="client", minutes=-(-int(wait.total_seconds()) // 60))
