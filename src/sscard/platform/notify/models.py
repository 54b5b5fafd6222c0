"""The notification outbox: messages to people (SMS now, app push later), SPEC REP-5."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table

from sscard.kernel.db import Id, UTCDateTime, metadata

notifications = Table(
    "notifications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False),
    Column("channel", String(16), nullable=False, comment="sms (app push later)"),
    Column("template", String(64), nullable=False, comment="template code, rendered on delivery"),
    Column("params", JSON, nullable=False, comment="template values; never personal data"),
    Column(
        "status",
        String(16),
        nullable=False,
        comment="pending | sending | sent | failed | dead | undeliverable",
    ),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False, comment="not claimed before this"),
    Column("claimed_at", UTCDateTime, nullable=True),
    Column("claim", String(32), nullable=True, comment="the delivery pass holding the row"),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("last_error", String(64), nullable=True, comment="class name of the last failure"),
    Column("recipient_masked", String(16), nullable=True, comment="masked phone it went to"),
)
Index(
    "ix_notifications_status_next_attempt_at_id",
    notifications.c.status,
    notifications.c.next_attempt_at,
    notifications.c.id,
)
Index("ix_notifications_person_id", notifications.c.person_id)
