"""Card tables."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

cards = Table(
    "cards",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("card_number", String(9), nullable=False, unique=True),
    Column("identification_code", String(32), nullable=False, unique=True),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False),
    Column("application_id", Id, ForeignKey("applications.id"), nullable=False, unique=True),
    Column("city_code", String(4), ForeignKey("cities.code"), nullable=False),
    Column("issuing_area_code", String(6), nullable=False),
    Column("bank_code", String(16), ForeignKey("banks.code"), nullable=False),
    Column("generation", Integer, nullable=False),
    Column("spec_version", String(8), nullable=False),
    Column("issue_date", Date, nullable=False),
    Column("expiry_date", Date, nullable=False),
    Column("hr_status", String(32), nullable=False),
    Column("financial_status", String(32), nullable=False),
    Column("account_number_enc", LargeBinary, nullable=True),
    Column("account_masked", String(32), nullable=True),
    Column("account_index", String(64), nullable=True, comment="HMAC-SM3 of the account number"),
    Column("loss_reported_at", UTCDateTime, nullable=True),
    Column("loss_until", UTCDateTime, nullable=True, comment="end of a temporary loss (LOSS-1)"),
    Column("loss_channel", String(32), nullable=True, comment="channel that took the loss"),
    Column("loss_outlet_id", Id, nullable=True, comment="outlet that took a formal loss"),
    Column("financial_before_loss", String(32), nullable=True),
    Column("social_data_reset_pending", Boolean, nullable=False, default=False, comment="JUR-1"),
    Column("expiry_reminded_at", UTCDateTime, nullable=True, comment="ISS-7 reminder sent"),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
# A person's cards, newest first; on PostgreSQL covering what routing a payment reads of the
# newest (SPEC REP-3, PAY-1: one index probe per line of a batch of a million, no heap read).
Index(
    "ix_cards_person_id_id",
    cards.c.person_id,
    cards.c.id,
    postgresql_include=["bank_code", "hr_status", "financial_status"],
)
# The sweep finds temporary losses whose 7 days are over.
Index("ix_cards_hr_status_loss_until", cards.c.hr_status, cards.c.loss_until)
# ISS-7: the cards to remind, by expiry date.
Index("ix_cards_expiry_date", cards.c.expiry_date)
Index("ix_cards_bank_code_account_index", cards.c.bank_code, cards.c.account_index)
