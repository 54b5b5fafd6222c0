"""Persons, their identity documents and photos (SPEC ID-1..6, APP-5); personal data sealed."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

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
