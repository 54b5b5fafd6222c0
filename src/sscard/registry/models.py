"""Registry tables: reference data (cities, banks, outlets, policies, calendar) and persons."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

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

persons = Table(
    "persons",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ssn_index", String(64), nullable=False, unique=True, comment="HMAC-SM3 of the SSN"),
    Column("ssn_enc", LargeBinary, nullable=False),
    Column("ssn_masked", String(32), nullable=False),
    Column("person_code", String(16), nullable=False, unique=True),
    Column("name_enc", LargeBinary, nullable=False),
    Column("name_masked", String(64), nullable=False),
    Column("gender", String(1), nullable=True),
    Column("birth_date", Date, nullable=False),
    Column("category", String(16), nullable=False),
    Column("nationality", String(3), nullable=False),
    Column("phone_enc", LargeBinary, nullable=True),
    Column("phone_masked", String(16), nullable=True),
    Column("city_code", String(4), ForeignKey("cities.code"), nullable=False),
    Column("civil_capacity", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

identity_documents = Table(
    "identity_documents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False, index=True),
    Column("doc_type", String(32), nullable=False),
    Column("number_index", String(64), nullable=False),
    Column("number_enc", LargeBinary, nullable=False),
    Column("number_masked", String(32), nullable=False),
    Column("valid_from", Date, nullable=True),
    Column("valid_until", Date, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("doc_type", "number_index"),
)
Index("ix_identity_documents_number_index", identity_documents.c.number_index)

person_photos = Table(
    "person_photos",
    metadata,
    Column("person_id", Id, ForeignKey("persons.id"), primary_key=True),
    Column("photo_enc", LargeBinary, nullable=False),
    Column("byte_size", Integer, nullable=False),
    Column("background", String(16), nullable=False),
    Column("checked_at", UTCDateTime, nullable=False),
)

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
