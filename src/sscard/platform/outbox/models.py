"""The outbox (messages to other parties, written with the change) and where each recipient
receives them (SPEC ISS-2)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, LargeBinary, String, Table

from sscard.kernel.db import Id, UTCDateTime, metadata

outbox = Table(
    "outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("message_id", String(36), nullable=False, unique=True, comment="receiver dedupes"),
    Column("topic", String(64), nullable=False),
    Column("recipient", String(32), nullable=False, comment="bank code or other party"),
    Column("ordering_key", String(64), nullable=False, comment="events for one key go in order"),
    Column("payload", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False, comment="pending | delivered | failed"),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", String(256), nullable=True),
)
# The dispatcher asks "what is due for this recipient" and "is an earlier message for this
# card still undelivered"; an administrator lists by recipient and status.
Index("ix_outbox_recipient_status_id", outbox.c.recipient, outbox.c.status, outbox.c.id)
Index("ix_outbox_ordering_key_id", outbox.c.ordering_key, outbox.c.id)

delivery_endpoints = Table(
    "delivery_endpoints",
    metadata,
    Column("recipient", String(32), primary_key=True, comment="bank code or other party"),
    Column("transport", String(8), nullable=False, comment="http | nats"),
    Column("url", String(256), nullable=False, comment="webhook URL, or broker subject"),
    Column("statement_url", String(256), nullable=True, comment="the bank's status statement"),
    Column("secret_enc", LargeBinary, nullable=False, comment="HMAC-SM3 signing key, encrypted"),
    Column("enabled", Boolean, nullable=False),
    Column("paused_until", UTCDateTime, nullable=True, comment="backoff while unreachable"),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("last_error", String(256), nullable=True),
    Column("lease_owner", String(64), nullable=True, comment="the one dispatcher sending now"),
    Column("lease_until", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)
