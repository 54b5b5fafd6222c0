"""Older-generation cards (gen 1 city cards, gen 2 provincial cards) declared at an upgrade
(SPEC GEN-3); they lose the medical function when the new card is activated (ISS-5)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

# Older-generation cards (gen 1 city citizen cards, gen 2 provincial cards) declared at an
# upgrade (SPEC GEN-3); they lose their medical function when the new card is activated (ISS-5).
legacy_cards = Table(
    "legacy_cards",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False, index=True),
    Column("application_id", Id, ForeignKey("applications.id"), nullable=False, unique=True),
    Column("generation", Integer, nullable=False),
    Column("issuer_city_code", String(4), ForeignKey("cities.code"), nullable=True),
    Column("outside_jiangsu", Boolean, nullable=False),
    Column("bank_code", String(16), ForeignKey("banks.code"), nullable=True),
    Column("number_enc", LargeBinary, nullable=False),
    Column("number_masked", String(32), nullable=False),
    Column("bank_closure", String(16), nullable=False, comment="none | formally_lost | closed"),
    Column("medical_function", String(16), nullable=False, comment="active | moved"),
    Column("medical_moved_to_card_id", Id, ForeignKey("cards.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
