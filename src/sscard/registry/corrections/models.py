"""Base-data corrections made at the base-data window (SPEC REP-2b, JUR-3)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

# SPEC REP-2b / JUR-3: base data corrected at the base-data window with the police certificate;
# the card's printed data changes only by the exchange that follows.
base_data_corrections = Table(
    "base_data_corrections",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False),
    Column("fields", JSON, nullable=False, comment="names of the corrected fields"),
    Column("certificate_number", String(64), nullable=False, comment="police certificate"),
    Column("outlet_id", Id, ForeignKey("outlets.id"), nullable=True),
    Column("corrected_at", UTCDateTime, nullable=False),
)

Index(
    "ix_base_data_corrections_person_id_corrected_at",
    base_data_corrections.c.person_id,
    base_data_corrections.c.corrected_at,
)
