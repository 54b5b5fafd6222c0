"""Cancellation tables: the cancellation with its closure notice, and who presented it."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table

from sscard.kernel.db import Id, UTCDateTime, metadata
from sscard.registry.representatives import representative_columns

# One row per cancelled card (SPEC CAN-3): the hr act and the financial-account closure notice
# (金融销户通知书) it issues share the reference, printed on the notice the bank receives.
cancellations = Table(
    "cancellations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("reference", String(32), nullable=False, unique=True, comment="notice number"),
    Column("card_id", Id, ForeignKey("cards.id"), nullable=False, unique=True),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False, index=True),
    Column("reason", String(32), nullable=False, comment="CAN-1 reason"),
    Column("presenter", String(16), nullable=False, comment="holder | family_member | agent"),
    Column("card_presented", Boolean, nullable=False),
    Column("police_certificate_number", String(64), nullable=True),
    Column("transfer_certificate_number", String(64), nullable=True),
    Column("note", String(200), nullable=True),
    Column("city_code", String(4), ForeignKey("cities.code"), nullable=False),
    Column("bank_code", String(16), ForeignKey("banks.code"), nullable=False),
    Column("outlet_id", Id, ForeignKey("outlets.id"), nullable=False, comment="issuing outlet"),
    Column("actor_id", Id, ForeignKey("actors.id"), nullable=True),
    Column("notice_issued_at", UTCDateTime, nullable=False),
)
# A bank lists its notices, and a city its cancellations, newest work last (keyset on id).
Index("ix_cancellations_bank_code_id", cancellations.c.bank_code, cancellations.c.id)
Index("ix_cancellations_city_code_id", cancellations.c.city_code, cancellations.c.id)

# The family member or agent who presented the cancellation, stored like an application's
# representative (registry.representatives, SPEC ID-6).
cancellation_representatives = Table(
    "cancellation_representatives",
    metadata,
    Column("cancellation_id", Id, ForeignKey("cancellations.id"), primary_key=True),
    Column("role", String(16), nullable=False, comment="family_member | agent"),
    Column("relationship", String(32), nullable=True),
    *representative_columns(),
)
