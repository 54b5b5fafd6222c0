"""The delivery engine's rules that need no database: retries and backoff, what each answer
changes, an endpoint's address and secret (SPEC ISS-2, ID-6). Pure."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sscard.kernel.config import Settings
from sscard.kernel.errors import invalid
from sscard.kernel.masking import personal_number_kind
from sscard.platform.outbox.protocol import (
    DeliveryResult,
    Endpoint,
    OutboxStatus,
    Outcome,
    Transport,
)

ACKNOWLEDGED = frozenset({DeliveryResult.APPLIED, DeliveryResult.DUPLICATE})


PENDING = OutboxStatus.PENDING.value
DELIVERED = OutboxStatus.DELIVERED.value
FAILED = OutboxStatus.FAILED.value


@dataclass(frozen=True)
class Lease:
    """An endpoint this dispatcher holds for a round, and its failures in a row before it."""

    endpoint: Endpoint
    failures: int


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float
    max_seconds: float
    max_attempts: int

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            settings.delivery_backoff_base_seconds,
            settings.delivery_backoff_max_seconds,
            settings.delivery_max_attempts,
        )

    def backoff(self, failures: int, rand: float) -> timedelta:
        """The wait after the `failures`-th failure in a row: base·2^(n−1), capped, jittered.

        `rand` in [0, 1) picks a point in the upper half of the wait, so dispatchers and
        messages that failed together do not all come back at the same instant.
        """
        exponent = min(max(failures, 1) - 1, 60)
        full = min(self.base_seconds * 2.0**exponent, self.max_seconds)
        return timedelta(seconds=full * (0.5 + rand / 2))


@dataclass(frozen=True)
class Claimed:
    """A message read for sending, with what its outcome is recorded against."""

    id: int
    message_id: str
    attempts: int


@dataclass
class Plan:
    """What one batch's outcomes change: delivered ids, and a row per rejected message."""

    delivered: list[int] = field(default_factory=list)
    retried: list[dict[str, Any]] = field(default_factory=list)
    failed: int = 0


def plan_outcomes(
    claimed: Sequence[Claimed],
    outcomes: Sequence[Outcome],
    now: datetime,
    policy: RetryPolicy,
    rand: Callable[[], float] = random.random,
) -> Plan:
    """Applied or duplicate: delivered. Rejected, or left out of the recipient's answer: an
    attempt, retried with backoff and failed when out of attempts (an answer that keeps leaving
    a message out would otherwise have it sent again at once, round after round)."""
    by_id = {o.message_id: o for o in outcomes}
    plan = Plan()
    for c in claimed:
        outcome = by_id.get(c.message_id) or Outcome(c.message_id, DeliveryResult.REJECTED,
                                                    NO_RESULT)  # fmt: skip
        if outcome.result in ACKNOWLEDGED:
            plan.delivered.append(c.id)
            continue
        attempts = c.attempts + 1
        dead = attempts >= policy.max_attempts
        plan.failed += dead
        plan.retried.append(
            {
                "o_id": c.id,
                "o_status": FAILED if dead else PENDING,
                "o_attempts": attempts,
                "o_next": now + policy.backoff(attempts, rand()),
                "o_error": safe_error(outcome.error),
            }
        )
    return plan


NO_RESULT = "the answer gave no result for this message"


def safe_error(text: str | None) -> str:
    """A bank's reason as stored and shown; one that quotes a personal number is withheld (ID-6)."""
    if not text:
        return "rejected"
    if personal_number_kind(text):
        return "rejected (the bank's reason quoted a personal number and is not kept)"
    return text[:256]


MIN_SECRET_BYTES = 16


MAX_SECRET_BYTES = 64


URL_MAX = 256


_SUBJECT = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")


@dataclass(frozen=True)
class EndpointIn:
    """An administrator's endpoint, as given (the secret is None: generate one)."""

    recipient: str
    transport: Transport
    url: str
    statement_url: str | None = None
    secret: bytes | None = None


def parse_secret_hex(text: str | None) -> bytes | None:
    """The secret an administrator typed in hex; None when none was given."""
    if text is None or not text.strip():
        return None
    try:
        return bytes.fromhex(text.strip())
    except ValueError:
        raise invalid("secret_hex", "须为十六进制字符串", "must be a hexadecimal string") from None


def check_http_url(field: str, url: str) -> None:
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or len(url) > URL_MAX
        or any(ch.isspace() for ch in url)
    ):
        raise invalid(
            field,
            f"须为不超过{URL_MAX}个字符的http(s)地址",
            f"must be an http(s) URL of at most {URL_MAX} characters",
        )


def check_address(transport: Transport, url: str) -> None:
    """A webhook URL for http; a plain NATS subject (no wildcards) for nats."""
    if transport is Transport.HTTP:
        check_http_url("url", url)
    elif not _SUBJECT.match(url) or len(url) > URL_MAX:
        raise invalid(
            "url",
            "须为NATS主题，如 sscard.banks.ICBC（字母、数字、_、-，以点分隔，不含通配符）",
            "must be a NATS subject such as sscard.banks.ICBC "
            "(letters, digits, _ and -, dot-separated, no wildcards)",
        )


def check_secret(secret: bytes | None) -> None:
    if secret is not None and not MIN_SECRET_BYTES <= len(secret) <= MAX_SECRET_BYTES:
        raise invalid(
            "secret_hex",
            f"密钥须为{MIN_SECRET_BYTES}至{MAX_SECRET_BYTES}字节",
            f"the secret must be {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes",
        )


@dataclass(frozen=True)
class OutboxFilter:
    """What the administrator's outbox page picks; the cursor is the last id seen."""

    recipient: str | None = None
    status: OutboxStatus | None = None
    topic: str | None = None
    card_number: str | None = None
    after_id: int = 0
    limit: int = 100


@dataclass(frozen=True)
class ReplayFilter:
    """Which messages a bulk replay makes pending again (ids inclusive)."""

    status: OutboxStatus
    recipient: str | None = None
    from_id: int | None = None
    to_id: int | None = None
