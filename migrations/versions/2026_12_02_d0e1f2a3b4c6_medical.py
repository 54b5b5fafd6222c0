"""medical: cross-region filings, the personal account and its ledger, settlements (MED-1/2)

Issue 14 item 9. The personal account is a ledger apart from the bank account: its balance can
never go below zero (a check constraint beside the conditional updates), and each ledger entry's
reference is unique for its kind, so nothing is credited, paid or moved twice.

Revision ID: d0e1f2a3b4c6
Revises: c9d0e1f2a3b5
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "d0e1f2a3b4c6"
down_revision: str | None = "c9d0e1f2a3b5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sscard.kernel.db.Id


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sscard.kernel.db.UTCDateTime(timezone=True), nullable=nullable)


def _fen(name: str, comment: str | None = None) -> sa.Column:
    return sa.Column(name, sa.BigInteger(), nullable=False, comment=comment)


def upgrade() -> None:
    op.create_table(
        "medical_filings",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("person_id", Id, sa.ForeignKey("persons.id"), nullable=False),
        sa.Column(
            "insured_city_code", sa.String(4), nullable=False, comment="the card's city at filing"
        ),
        sa.Column(
            "destination_code",
            sa.String(4),
            nullable=False,
            comment="a Jiangsu city (4 digits) or another province (2 digits)",
        ),
        sa.Column("reason", sa.String(16), nullable=False, comment="rules.FilingReason"),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True, comment="none: until ended"),
        _at("filed_at"),
        sa.Column("filed_by", Id, sa.ForeignKey("actors.id"), nullable=True),
        _at("ended_at", nullable=True),
    )
    op.create_index("ix_medical_filings_person", "medical_filings", ["person_id"])
    op.create_table(
        "medical_accounts",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("person_id", Id, sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("card_id", Id, sa.ForeignKey("cards.id"), nullable=True, unique=True),
        sa.Column(
            "legacy_card_id", Id, sa.ForeignKey("legacy_cards.id"), nullable=True, unique=True
        ),
        _fen("balance_fen"),
        sa.Column("status", sa.String(8), nullable=False, comment="open | moved (ISS-5)"),
        _at("opened_at"),
        _at("moved_at", nullable=True),
        sa.Column("moved_to_id", Id, sa.ForeignKey("medical_accounts.id"), nullable=True),
        sa.CheckConstraint("balance_fen >= 0", name="ck_medical_accounts_never_negative"),
    )
    op.create_index("ix_medical_accounts_person", "medical_accounts", ["person_id", "status"])
    op.create_table(
        "medical_ledger",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("account_id", Id, sa.ForeignKey("medical_accounts.id"), nullable=False),
        _at("at"),
        sa.Column(
            "kind", sa.String(12), nullable=False, comment="credit, settlement, refund, moved_*"
        ),
        _fen("amount_fen", "signed: + in, - out"),
        _fen("balance_after_fen"),
        sa.Column(
            "reference",
            sa.String(80),
            nullable=False,
            comment="fund:<ref>, settlement:<id>, move:<account id>: each once per kind",
        ),
        sa.Column("actor_id", Id, sa.ForeignKey("actors.id"), nullable=True),
        sa.UniqueConstraint("kind", "reference", name="uq_medical_ledger_kind_reference"),
    )
    op.create_index("ix_medical_ledger_account", "medical_ledger", ["account_id", "id"])
    op.create_table(
        "medical_settlements",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("operator_id", Id, sa.ForeignKey("scene_operators.id"), nullable=False),
        sa.Column("terminal_id", Id, sa.ForeignKey("scene_terminals.id"), nullable=False),
        sa.Column(
            "settlement_ref",
            sa.String(40),
            nullable=False,
            comment="the institution's own number",
        ),
        sa.Column("scene_use_id", Id, sa.ForeignKey("scene_use_events.id"), nullable=False),
        sa.Column(
            "account_id",
            Id,
            sa.ForeignKey("medical_accounts.id"),
            nullable=True,
            comment="none: the holder had no personal account, all paid in cash",
        ),
        sa.Column("card_id", Id, sa.ForeignKey("cards.id"), nullable=False),
        _at("at"),
        _fen("total_fen"),
        _fen("fund_fen", "computed by the fund's rules"),
        _fen("account_fen"),
        _fen("cash_fen"),
        _at("refunded_at", nullable=True),
        sa.UniqueConstraint("operator_id", "settlement_ref", name="uq_medical_settlements_ref"),
    )


def downgrade() -> None:
    op.drop_table("medical_settlements")
    op.drop_index("ix_medical_ledger_account", "medical_ledger")
    op.drop_table("medical_ledger")
    op.drop_index("ix_medical_accounts_person", "medical_accounts")
    op.drop_table("medical_accounts")
    op.drop_index("ix_medical_filings_person", "medical_filings")
    op.drop_table("medical_filings")
