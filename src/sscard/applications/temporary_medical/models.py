"""The temporary medical card (临时医保卡), issued while a new card is made (SPEC REP-1)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    String,
    Table,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

# SPEC REP-1: a temporary medical card while a replacement (or exchange) is being made.
temporary_medical_cards = Table(
    "temporary_medical_cards",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False, index=True),
    Column("application_id", Id, ForeignKey("applications.id"), nullable=False, unique=True),
    Column("outlet_id", Id, ForeignKey("outlets.id"), nullable=False),
    Column("status", String(16), nullable=False, comment="valid | ended"),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
)
