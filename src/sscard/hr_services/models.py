"""Tables of the HR services through the card (SPEC ECARD-5)."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table

from sscard.kernel.db import Id, UTCDateTime, metadata

insurance_certificates = Table(
    "insurance_certificates",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("code", String(16), nullable=False, unique=True, comment="the verification code"),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False),
    Column("card_id", Id, ForeignKey("cards.id"), nullable=False),
    Column("insured_city_code", String(4), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("valid_until", Date, nullable=False, comment="the code answers until then"),
)
Index("ix_insurance_certificates_person", insurance_certificates.c.person_id)

unemployment_registrations = Table(
    "unemployment_registrations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False),
    Column("city_code", String(4), nullable=False, comment="where it is handled: the card's city"),
    Column("reason", String(24), nullable=False, comment="rules.UnemploymentReason"),
    Column("unemployed_since", Date, nullable=False),
    Column("last_unit_code", String(18), nullable=True, comment="the last employer's USCC"),
    Column("status", String(16), nullable=False, comment="submitted: for the HR agency"),
    Column("submitted_at", UTCDateTime, nullable=False),
)
Index("ix_unemployment_registrations_person", unemployment_registrations.c.person_id)
