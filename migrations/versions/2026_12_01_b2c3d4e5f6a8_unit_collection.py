"""unit collection: cards handed to the unit agent, the signed list returned (issue 13, ISS-3)

Revision ID: b2c3d4e5f6a8
Revises: a1b2c3d4e5f7
Create Date: 2026-12-01 08:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "b2c3d4e5f6a8"
down_revision: str | None = "a1b2c3d4e5f7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unit_handovers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "reference", sa.String(length=32), nullable=False, comment="FF + city + date + seq"
        ),
        sa.Column("batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "outlet_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "mode", sa.String(length=16), nullable=False, comment="unit_agent | logistics (APP-3)"
        ),
        sa.Column(
            "agent_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
            comment="the named agent whose document was checked (ISS-4); none for logistics",
        ),
        sa.Column("carrier", sa.String(length=64), nullable=True, comment="logistics: the carrier"),
        sa.Column(
            "waybill", sa.String(length=64), nullable=True, comment="logistics: the waybill number"
        ),
        sa.Column(
            "status", sa.String(length=16), nullable=False, comment="with_unit | delivered | closed"
        ),
        sa.Column("cards_total", sa.Integer(), nullable=False),
        sa.Column("handed_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("handed_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "delivered_at",
            sscard.kernel.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="logistics: delivered to the unit",
        ),
        sa.Column(
            "closed_at",
            sscard.kernel.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="every card's outcome recorded",
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["unit_agents.id"], name=op.f("fk_unit_handovers_agent_id_unit_agents")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["unit_batches.id"], name=op.f("fk_unit_handovers_batch_id_unit_batches")
        ),
        sa.ForeignKeyConstraint(
            ["handed_by"], ["actors.id"], name=op.f("fk_unit_handovers_handed_by_actors")
        ),
        sa.ForeignKeyConstraint(
            ["outlet_id"], ["outlets.id"], name=op.f("fk_unit_handovers_outlet_id_outlets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_handovers")),
        sa.UniqueConstraint("reference", name=op.f("uq_unit_handovers_reference")),
    )
    op.create_index(
        op.f("ix_unit_handovers_batch_id"), "unit_handovers", ["batch_id"], unique=False
    )
    op.create_table(
        "unit_handover_cards",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "handover_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "line",
            sa.Integer(),
            nullable=False,
            comment="the line on the distribution list, 1-based",
        ),
        sa.Column(
            "application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("card_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "outcome",
            sa.String(length=24),
            nullable=True,
            comment="distributed | returned_to_stock; none while the card is with the unit",
        ),
        sa.Column("recorded_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "recorded_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_unit_handover_cards_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_unit_handover_cards_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["unit_handovers.id"],
            name=op.f("fk_unit_handover_cards_handover_id_unit_handovers"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["actors.id"], name=op.f("fk_unit_handover_cards_recorded_by_actors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_handover_cards")),
        sa.UniqueConstraint(
            "handover_id", "application_id", name="uq_unit_handover_cards_application"
        ),
        sa.UniqueConstraint("handover_id", "line", name="uq_unit_handover_cards_line"),
    )
    op.create_index(
        "ix_unit_handover_cards_application",
        "unit_handover_cards",
        ["application_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_unit_handover_cards_application", table_name="unit_handover_cards")
    op.drop_table("unit_handover_cards")
    op.drop_index(op.f("ix_unit_handovers_batch_id"), table_name="unit_handovers")
    op.drop_table("unit_handovers")
