"""The holiday calendar: the years known, their holidays and adjusted working days (APP-2, §17)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Integer,
    String,
    Table,
)

from sscard.kernel.db import UTCDateTime, metadata

calendar_years = Table(
    "calendar_years",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("source", String(64), nullable=False),
    Column("loaded_at", UTCDateTime, nullable=False),
)


calendar_days = Table(
    "calendar_days",
    metadata,
    Column("day", Date, primary_key=True),
    Column("kind", String(16), nullable=False, comment="holiday | workday (adjusted weekend)"),
    Column("name", String(64), nullable=True),
)
