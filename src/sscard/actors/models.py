"""Actor tables: API tokens bound to a role and its organisation."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, String, Table

from sscard.kernel.db import Id, UTCDateTime, metadata

actors = Table(
    "actors",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("token_index", String(64), nullable=False, unique=True, comment="SHA-256 of the token"),
    Column("role", String(32), nullable=False),
    Column("display_name", String(64), nullable=False),
    Column("outlet_id", Id, ForeignKey("outlets.id"), nullable=True),
    Column("bank_code", String(16), ForeignKey("banks.code"), nullable=True),
    Column("city_code", String(4), ForeignKey("cities.code"), nullable=True),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=True),
    Column("unit_code", String(18), nullable=True),
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
