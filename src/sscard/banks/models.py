"""The banks' side: their reports (inbox), per-card sequences, reconciliation runs."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
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

reconciliation_runs = Table(
    "reconciliation_runs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("bank_code", String(16), ForeignKey("banks.code"), nullable=False),
    Column("source", String(16), nullable=False, comment="api | file"),
    Column("as_of", UTCDateTime, nullable=False, comment="the bank's statement moment"),
    Column("status", String(16), nullable=False, comment="running | finished | failed"),
    Column("bank_rows", Integer, nullable=False, default=0),
    Column("registry_rows", Integer, nullable=False, default=0),
    Column("differences", Integer, nullable=False, default=0),
    Column("repaired", Integer, nullable=False, default=0),
    Column("error", Text, nullable=True),
    Column("actor_id", Id, ForeignKey("actors.id"), nullable=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
)
Index(
    "ix_reconciliation_runs_bank_code_id", reconciliation_runs.c.bank_code, reconciliation_runs.c.id
)

reconciliation_lines = Table(
    "reconciliation_lines",
    metadata,
    Column("run_id", Id, ForeignKey("reconciliation_runs.id"), primary_key=True),
    Column("card_number", String(9), primary_key=True),
    Column("account_index", String(64), nullable=True, comment="HMAC-SM3 of the account number"),
    Column("account_masked", String(32), nullable=True),
    Column("financial_status", String(32), nullable=False),
)

reconciliation_differences = Table(
    "reconciliation_differences",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("run_id", Id, ForeignKey("reconciliation_runs.id"), nullable=False),
    Column("card_number", String(9), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("registry_value", String(64), nullable=True),
    Column("bank_value", String(64), nullable=True),
    Column("repair", String(16), nullable=False, comment="repaired | resent | manual"),
    Column("detail", String(256), nullable=True),
)
Index("ix_reconciliation_differences_run_id", reconciliation_differences.c.run_id)
