"""The banks' reports to us: the inbox, and how far each card's sequence has been applied."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

bank_inbox = Table(
    "bank_inbox",
    metadata,
    Column("bank_code", String(16), ForeignKey("banks.code"), primary_key=True),
    Column("message_id", String(64), primary_key=True, comment="the bank's id: dedupe key"),
    Column("card_id", Id, ForeignKey("cards.id"), nullable=False),
    Column("sequence", BigInteger, nullable=False, comment="the bank's count for the card"),
    Column("type", String(32), nullable=False),
    Column("payload", JSON, nullable=False, comment="the report without the account number"),
    Column("account_number_enc", LargeBinary, nullable=True),
    Column("request_hash", String(64), nullable=False, comment="same id, other body: refused"),
    Column("status", String(16), nullable=False, comment="applied | deferred | rejected"),
    Column("result_code", String(64), nullable=True, comment="the refusal's code if rejected"),
    Column("received_at", UTCDateTime, nullable=False),
    Column("applied_at", UTCDateTime, nullable=True),
    UniqueConstraint("bank_code", "card_id", "sequence", name="uq_bank_inbox_card_sequence"),
)
Index("ix_bank_inbox_status_received_at", bank_inbox.c.status, bank_inbox.c.received_at)

bank_card_sequences = Table(
    "bank_card_sequences",
    metadata,
    Column("bank_code", String(16), ForeignKey("banks.code"), primary_key=True),
    Column("card_id", Id, ForeignKey("cards.id"), primary_key=True),
    Column("last_sequence", BigInteger, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
