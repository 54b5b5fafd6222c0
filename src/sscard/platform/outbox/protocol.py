"""The shapes the dispatcher hands to a transport (HTTP webhook or broker) and gets back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import orjson

from sscard.banks.protocol import DeliveryResult, Transport


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
    return orjson.dumps({"messages": [m.as_json() for m in batch]})
