"""The delivery wire contract: what the dispatcher sends a recipient and what it answers.

One signed HTTP POST (or one broker message) per batch:
    {"messages": [{"message_id", "sequence", "topic", "card_number", "occurred_at", "payload"}]}
`sequence` rises with every message (it is the outbox row id), so per card too, and messages for
one card are sent one at a time, in order. The recipient answers 200 with
    {"results": [{"message_id", "status": "applied" | "duplicate" | "rejected", "error"?}]}
and each message is marked by its result; a message without a result is sent again. What each
topic's payload holds is the business of the context that publishes it (banks/protocol.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

import orjson


class DeliveryResult(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"  # already applied before: counts as delivered
    REJECTED = "rejected"  # the bank refused this message; retried with backoff, then failed


class OutboxStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # out of attempts; holds back later messages for the card until replayed


class Transport(StrEnum):
    HTTP = "http"
    NATS = "nats"


@dataclass(frozen=True)
class Endpoint:
    """Where and how one recipient (a bank's code) receives its messages."""

    recipient: str
    transport: Transport
    url: str  # the webhook URL (http) or the subject (nats)
    secret: bytes  # the HMAC-SM3 key both sides hold


@dataclass(frozen=True)
class Outgoing:
    message_id: str
    sequence: int  # the outbox row id: rises with every message, so per card too
    topic: str
    card_number: str | None
    occurred_at: datetime
    payload: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "sequence": self.sequence,
            "topic": self.topic,
            "card_number": self.card_number,
            "occurred_at": self.occurred_at.isoformat(),
            "payload": self.payload,
        }


@dataclass(frozen=True)
class Outcome:
    message_id: str
    result: DeliveryResult
    error: str | None = None


class EndpointUnavailable(Exception):
    """The whole batch did not get through (connection, timeout, 5xx, refused signature)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:256]


class Sender(Protocol):
    async def send(
        self, endpoint: Endpoint, batch: Sequence[Outgoing], now: datetime
    ) -> list[Outcome]: ...

    async def close(self) -> None: ...


def batch_body(batch: Sequence[Outgoing]) -> bytes:
    """The webhook body of a batch. Keys may be str subclasses (column names read back from
    the database, as an enricher adds them): taken as the text they are."""
    return orjson.dumps({"messages": [m.as_json() for m in batch]}, option=WIRE)


def message_body(message: Outgoing) -> bytes:
    """One message as the broker carries it (the same keys rule as batch_body)."""
    return orjson.dumps(message.as_json(), option=WIRE)


WIRE = orjson.OPT_NON_STR_KEYS


def card_number_of(payload: Mapping[str, Any], field: str = "card_number") -> str | None:
    """The card a message is about: the payload's `field` (the publisher says which one its
    topic uses, extensions.HOOKS.card_fields), or None."""
    number = payload.get(field)
    return number if isinstance(number, str) else None
