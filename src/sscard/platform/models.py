"""History (SPEC CH-2), idempotency keys and sequences: records every context writes through."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

history = Table(
    "history",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("entity", String(16), nullable=False, comment="application | card | person"),
    Column("entity_id", Id, nullable=False),
    Column("event", String(48), nullable=False),
    Column("from_state", String(32), nullable=True),
    Column("to_state", String(32), nullable=True),
    Column("actor_id", Id, ForeignKey("actors.id"), nullable=True),
    Column("role", String(32), nullable=False),
    Column("channel", String(32), nullable=False),
    # No foreign key: every change writes this row, and concurrent key-share locks on one outlet
    # row cost PostgreSQL a multixact each; outlets are reference data that are never deleted.
    Column("outlet_id", Id, nullable=True),
    Column("at", UTCDateTime, nullable=False),
    Column("reason", Text, nullable=True),
)
Index("ix_history_entity_entity_id", history.c.entity, history.c.entity_id)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("actor_id", Id, ForeignKey("actors.id"), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    # Answers stored before 2026-11-30, in clear; newer ones are in body_enc.
    Column("body", Text, nullable=True),
    Column(
        "body_enc",
        LargeBinary,
        nullable=True,
        comment="SM4-GCM of the answer's JSON; null while the key's request runs",
    ),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_idempotency_keys_created_at", "created_at"),
)

sequences = Table(
    "sequences",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("next_value", BigInteger, nullable=False),
)
