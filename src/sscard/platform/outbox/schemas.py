"""Request and response shapes of the outbox and its delivery endpoints (SPEC ISS-2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from sscard.platform.http.request import Body, IdField
from sscard.platform.outbox.protocol import Transport


class OutboxMessageView(BaseModel):
    id: int = Field(description="the outbox id; also the message's `sequence` on the wire")
    message_id: str = Field(description="the id the bank deduplicates on")
    topic: str
    recipient: str = Field(description="bank code, medical_insurance or centre:<city>")
    status: str = Field(description="pending, delivered or failed")
    attempts: int = Field(description="deliveries the bank answered; an outage counts none")
    created_at: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None
    last_error: str | None = Field(description="the bank's reason for its last rejection")
    card_number: str | None
    payload: dict[str, Any] = Field(description="as stored: no personal data")


class OutboxPage(BaseModel):
    items: list[OutboxMessageView]
    next_after: int | None = Field(description="pass as `after_id` for the next page")


class RecipientStats(BaseModel):
    """What waits for one recipient: delivered messages are not counted (they wait no more)."""

    recipient: str
    pending: int = Field(description="messages waiting to be delivered")
    failed: int = Field(description="messages the bank kept rejecting, waiting for a replay")
    oldest_pending_at: datetime | None
    oldest_pending_age_seconds: float | None
    has_endpoint: bool
    enabled: bool | None
    paused_until: datetime | None
    last_error: str | None = Field(description="why the endpoint last did not answer")


class OutboxStats(BaseModel):
    recipients: list[RecipientStats]
    at: datetime


class ReplayIn(Body):
    status: Literal["failed", "delivered"] = Field(description="which messages to send again")
    recipient: str | None = Field(None, max_length=32)
    from_id: IdField | None = None
    to_id: IdField | None = None


class ReplayedView(BaseModel):
    replayed: int = Field(description="how many messages are pending again")


class EndpointIn(Body):
    transport: Transport = Field(Transport.HTTP, description="http (webhook) or nats")
    url: str = Field(max_length=256, description="webhook URL, or the NATS subject")
    statement_url: str | None = Field(
        None, max_length=256, description="where the bank's status statement is read"
    )
    secret_hex: str | None = Field(
        None, max_length=128, description="the HMAC-SM3 key in hex; omit to keep or generate"
    )


class EndpointView(BaseModel):
    recipient: str
    transport: str
    url: str
    statement_url: str | None
    enabled: bool
    paused_until: datetime | None = Field(description="no delivery before this (bank down)")
    consecutive_failures: int
    last_error: str | None
    lease_owner: str | None = Field(description="the dispatcher sending to it now")
    lease_until: datetime | None
    updated_at: datetime
    pending: int
    failed: int


class EndpointSetView(EndpointView):
    secret_hex: str | None = Field(description="the generated secret, shown this once; else null")
