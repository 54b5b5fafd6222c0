"""Tables of the access log (issue 11, SPEC ID-6, GOV-5)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, String, Table

from sscard.kernel.db import Id, UTCDateTime, metadata

access_log = Table(
    "access_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("chain", String(64), nullable=False, comment="actor:<id>/<shard>: a reader's chain"),
    Column("position", BigInteger, nullable=False, comment="1, 2, ... within the chain"),
    Column("at", UTCDateTime(timezone=True), nullable=False),
    Column("actor_id", BigInteger, nullable=True),
    Column("role", String(32), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("outlet_id", BigInteger, nullable=True),
    Column("city_code", String(4), nullable=True, comment="the reader's city, if bound"),
    Column("subject_kind", String(32), nullable=False),
    Column("subject_key", String(64), nullable=False, comment="an id or a card number"),
    Column("person_id", BigInteger, nullable=True),
    Column("purpose", String(32), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, comment="HMAC-SM3(data key; prev_hash, the entry)"),
    Index("ix_access_log_chain_position", "chain", "position", unique=True),
    Index("ix_access_log_person_at", "person_id", "at"),
    Index("ix_access_log_at", "at"),
)

access_chain_heads = Table(
    "access_chain_heads",
    metadata,
    Column("chain", String(64), primary_key=True),
    Column("length", BigInteger, nullable=False),
    Column("last_hash", String(64), nullable=False),
)
