"""The statistics tables: one counter per measure, Beijing day and dimensions (SPEC GOV-6)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Index, Integer, String, Table

from sscard.kernel.db import metadata

# No foreign keys: every counted change touches a row here, and key-share locks on the city and
# bank rows would cost PostgreSQL a multixact each (as for history); both are reference data.
statistics_daily = Table(
    "statistics_daily",
    metadata,
    Column("measure", String(24), primary_key=True, comment="what is counted, e.g. issued"),
    Column("day", Date, primary_key=True, comment="Beijing business date of the change"),
    Column("city_code", String(4), primary_key=True, comment="the card's or application's city"),
    Column("bank_code", String(16), primary_key=True, comment="the card's bank"),
    Column("generation", Integer, primary_key=True, comment="card generation; 0 if not counted"),
    Column("channel", String(32), primary_key=True, comment="channel of the change; '' if none"),
    Column("n", BigInteger, nullable=False, comment="how many changes"),
)
# The primary key serves the province (measure, day range); this one a city's centre.
Index(
    "ix_statistics_daily_city_measure_day",
    statistics_daily.c.city_code,
    statistics_daily.c.measure,
    statistics_daily.c.day,
)
