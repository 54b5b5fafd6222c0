"""transport ledger: each fare's operator, city, card city and mode, for the daily clearing
between cities

Issue 15 item 5 (SPEC TRN-1, TRN-3).

Revision ID: b0c1d2e3f4a6
Revises: a9b0c1d2e3f5
Create Date: 2026-12-03 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.kernel.db import Id

revision: str = "b0c1d2e3f4a6"
down_revision: str | None = "a9b0c1d2e3f5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("transport_ledger") as batch:
        batch.add_column(
            sa.Column(
                "operator_id",
                Id,
                sa.ForeignKey(
                    "scene_operators.id", name="fk_transport_ledger_operator_id_scene_operators"
                ),
                nullable=True,
                comment="a fare: the transit operator that took it",
            )
        )
        batch.add_column(
            sa.Column(
                "city_code", sa.String(4), nullable=True, comment="a fare: the city it was taken in"
            )
        )
        batch.add_column(
            sa.Column(
                "card_city_code", sa.String(4), nullable=True, comment="a fare: the card's city"
            )
        )
        batch.add_column(
            sa.Column("mode", sa.String(8), nullable=True, comment="a fare: rules.Mode")
        )
    op.create_index("ix_transport_ledger_kind_at", "transport_ledger", ["kind", "at"])


def downgrade() -> None:
    op.drop_index("ix_transport_ledger_kind_at", "transport_ledger")
    with op.batch_alter_table("transport_ledger") as batch:
        batch.drop_column("mode")
        batch.drop_column("card_city_code")
        batch.drop_column("city_code")
        batch.drop_column("operator_id")
