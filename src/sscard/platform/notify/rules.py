"""A notification's states and retries (SPEC REP-5). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a delivery pass; back to due if the pass dies (LEASE)
    SENT = "sent"
    FAILED = "failed"  # will be retried at next_attempt_at
    DEAD = "dead"  # failed MAX_ATTEMPTS times; an operator looks at it
    UNDELIVERABLE = "undeliverable"  # the person has no phone


CHANNELS = ("sms",)  # app push comes later, as one more channel and sender


MAX_ATTEMPTS = 5


RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When a message that failed its `attempts`-th time is tried again; None: it is dead."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


# A pass that claimed rows and then died leaves them `sending`; after this they are due again.
LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class NotificationFilter:
    """What an operator's page of notifications picks; the cursor is the last id seen."""

    status: NotificationStatus | None = None
    person_id: int | None = None
    after_id: int = 0
    limit: int = 100
