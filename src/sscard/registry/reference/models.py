"""Reference data tables: cities, banks, city banks, outlets, hotlines, policies (CITY, GOV)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from sscard.kernel.db import Id, metadata

cities = Table(
    "cities",
    metadata,
    Column("code", String(4), primary_key=True, comment="prefecture code, e.g. 3204"),
    Column("area_code", String(6), nullable=False, unique=True),
    Column("name_zh", String(32), nullable=False),
    Column("name_en", String(64), nullable=False),
    Column("card_title_zh", String(64), nullable=False),
    Column("transport_zone", String(16), nullable=True),
)


banks = Table(
    "banks",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name_zh", String(64), nullable=False),
    Column("name_en", String(128), nullable=False),
    Column("hotline", String(32), nullable=True),
    Column("bins", JSON, nullable=False),
)


city_banks = Table(
    "city_banks",
    metadata,
    Column("city_code", String(4), ForeignKey("cities.code"), primary_key=True),
    Column("bank_code", String(16), ForeignKey("banks.code"), primary_key=True),
    Column("source", String(16), nullable=False),
)


outlets = Table(
    "outlets",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("city_code", String(4), ForeignKey("cities.code"), nullable=False, index=True),
    Column("name_zh", String(128), nullable=False),
    Column("name_en", String(256), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("bank_code", String(16), ForeignKey("banks.code"), nullable=True),
    Column("making", String(16), nullable=False),
    Column("address_zh", String(256), nullable=False),
    Column("phone", String(32), nullable=True),
    Column("hours_zh", String(128), nullable=True),
    Column("operations", JSON, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("source", String(16), nullable=False),
)


hotlines = Table(
    "hotlines",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("city_code", String(4), ForeignKey("cities.code"), nullable=True),
    Column("service", String(16), nullable=False),
    Column("number", String(32), nullable=False),
    Column("name_zh", String(64), nullable=False),
    Column("name_en", String(128), nullable=False),
    Column("source", String(16), nullable=False),
    UniqueConstraint("city_code", "service", "number"),
)


city_policies = Table(
    "city_policies",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("city_code", String(4), ForeignKey("cities.code"), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("rules", JSON, nullable=False, comment="CityPolicy fields (SPEC CITY-3)"),
    Column("source", String(16), nullable=False),
    Column("note", Text, nullable=True),
    UniqueConstraint("city_code", "effective_from"),
)
