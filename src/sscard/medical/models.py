"""Tables of the medical use (SPEC MED-1, MED-2, ISS-5)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

medical_filings = Table(
    "medical_filings",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False),
    Column("insured_city_code", String(4), nullable=False, comment="the card's city at filing"),
    Column(
        "destination_code",
        String(4),
        nullable=False,
        comment="a Jiangsu city (4 digits) or another province (2 digits)",
    ),
    Column("reason", String(16), nullable=False, comment="rules.FilingReason"),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, nullable=True, comment="none: until ended"),
    Column("filed_at", UTCDateTime, nullable=False),
    Column("filed_by", Id, ForeignKey("actors.id"), nullable=True),
    Column("ended_at", UTCDateTime, nullable=True),
)
Index("ix_medical_filings_person", medical_filings.c.person_id)

medical_accounts = Table(
    "medical_accounts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False),
    Column("card_id", Id, ForeignKey("cards.id"), nullable=True, unique=True),
    Column("legacy_card_id", Id, ForeignKey("legacy_cards.id"), nullable=True, unique=True),
    Column("balance_fen", BigInteger, nullable=False),
    Column("status", String(8), nullable=False, comment="open | moved (ISS-5)"),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("moved_at", UTCDateTime, nullable=True),
    Column("moved_to_id", Id, ForeignKey("medical_accounts.id"), nullable=True),
    CheckConstraint("balance_fen >= 0", name="ck_medical_accounts_never_negative"),
)
Index("ix_medical_accounts_person", medical_accounts.c.person_id, medical_accounts.c.status)

medical_ledger = Table(
    "medical_ledger",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("medical_accounts.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(12), nullable=False, comment="credit, settlement, refund, moved_*"),
    Column("amount_fen", BigInteger, nullable=False, comment="signed: + in, - out"),
    Column("balance_after_fen", BigInteger, nullable=False),
    Column(
        "reference",
        String(80),
        nullable=False,
        comment="fund:<ref>, settlement:<id>, move:<account id>: each once per kind",
    ),
    Column("actor_id", Id, ForeignKey("actors.id"), nullable=True),
    UniqueConstraint("kind", "reference", name="uq_medical_ledger_kind_reference"),
)
Index("ix_medical_ledger_account", medical_ledger.c.account_id, medical_ledger.c.id)

medical_settlements = Table(
    "medical_settlements",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("operator_id", Id, ForeignKey("scene_operators.id"), nullable=False),
    Column("terminal_id", Id, ForeignKey("scene_terminals.id"), nullable=False),
    Column("settlement_ref", String(40), nullable=False, comment="the institution's own number"),
    Column("scene_use_id", Id, ForeignKey("scene_use_events.id"), nullable=False),
    Column(
        "account_id",
        Id,
        ForeignKey("medical_accounts.id"),
        nullable=True,
        comment="none: the holder had no personal account, all paid in cash",
    ),
    Column("card_id", Id, ForeignKey("cards.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("total_fen", BigInteger, nullable=False),
    Column("fund_fen", BigInteger, nullable=False, comment="computed by the fund's rules"),
    Column("account_fen", BigInteger, nullable=False),
    Column("cash_fen", BigInteger, nullable=False),
    Column("refunded_at", UTCDateTime, nullable=True),
    UniqueConstraint("operator_id", "settlement_ref", name="uq_medical_settlements_ref"),
)
