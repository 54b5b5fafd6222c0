"""Reconciliation with a bank: runs, a statement's lines while compared, the differences (ISS-2)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

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

Index(
    "ix_reconciliation_runs_bank_code_id", reconciliation_runs.c.bank_code, reconciliation_runs.c.id
)

Index("ix_reconciliation_differences_run_id", reconciliation_differences.c.run_id)
