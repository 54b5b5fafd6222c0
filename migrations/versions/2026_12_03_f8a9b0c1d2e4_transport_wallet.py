"""transport wallet: purses, their two-step top-ups and the ledger of writes by card counter

Issue 15 items 1-2, 4 (SPEC TRN-1, TRN-2, TRN-4, LOSS-6, REP-4).

Revision ID: f8a9b0c1d2e4
Revises: e7f8a9b0c1d3
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.kernel.db import Id, UTCDateTime

revision: str = "f8a9b0c1d2e4"
down_revision: str | None = "e7f8a9b0c1d3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "transport_purses",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("card_id", Id, sa.ForeignKey("cards.id"), nullable=False, unique=True),
        sa.Column(
            "city_code",
            sa.String(4),
            sa.ForeignKey("cities.code"),
            nullable=False,
            comment="where it was loaded: the cap is that city's (TRN-2)",
        ),
        sa.Column("balance_fen", sa.BigInteger, nullable=False, comment="confirmed writes only"),
        sa.Column("last_counter", sa.Integer, nullable=True, comment="the card's last write seen"),
        sa.Column("status", sa.String(8), nullable=False, comment="rules.PurseStatus"),
        sa.Column("loaded_at", Moment, nullable=False),
        sa.Column("loaded_by", Id, sa.ForeignKey("actors.id"), nullable=True),
        sa.Column("closed_at", Moment, nullable=True),
        sa.CheckConstraint("balance_fen >= 0", name="ck_transport_purses_never_negative"),
    )
    op.create_table(
        "transport_top_ups",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "reference",
            sa.String(40),
            nullable=False,
            unique=True,
            comment="the paying channel's own reference: one top-up each",
        ),
        sa.Column("purse_id", Id, sa.ForeignKey("transport_purses.id"), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("channel", sa.String(8), nullable=False, comment="rules.TopUpChannel"),
        sa.Column("state", sa.String(12), nullable=False, comment="rules.TopUpState"),
        sa.Column("authorised_at", Moment, nullable=False),
        sa.Column("ended_at", Moment, nullable=True, comment="confirmed or reversed"),
        sa.Column("counter", sa.Integer, nullable=True, comment="the card's counter of the write"),
        sa.Column("actor_id", Id, sa.ForeignKey("actors.id"), nullable=True),
        sa.CheckConstraint("amount_fen > 0", name="ck_transport_top_ups_positive"),
    )
    op.create_index("ix_transport_top_ups_pending", "transport_top_ups", ["state", "authorised_at"])
    op.create_index("ix_transport_top_ups_purse", "transport_top_ups", ["purse_id", "state"])
    op.create_table(
        "transport_ledger",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("purse_id", Id, sa.ForeignKey("transport_purses.id"), nullable=False),
        sa.Column("at", Moment, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False, comment="top_up | fare | refund"),
        sa.Column("amount_fen", sa.BigInteger, nullable=False, comment="signed: + in, - out"),
        sa.Column("balance_after_fen", sa.BigInteger, nullable=False),
        sa.Column("counter", sa.Integer, nullable=True, comment="the card's transaction counter"),
        sa.Column(
            "reference", sa.String(48), nullable=False, comment="top_up:<ref>, refund:<purse>"
        ),
        sa.UniqueConstraint("kind", "reference", name="uq_transport_ledger_kind_reference"),
        sa.UniqueConstraint("purse_id", "counter", name="uq_transport_ledger_purse_counter"),
    )
    op.create_index("ix_transport_ledger_purse", "transport_ledger", ["purse_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_transport_ledger_purse", "transport_ledger")
    op.drop_table("transport_ledger")
    op.drop_index("ix_transport_top_ups_purse", "transport_top_ups")
    op.drop_index("ix_transport_top_ups_pending", "transport_top_ups")
    op.drop_table("transport_top_ups")
    op.drop_table("transport_purses")
