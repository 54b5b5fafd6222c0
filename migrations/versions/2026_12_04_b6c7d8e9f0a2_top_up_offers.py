"""transport top-ups: what the holder paid and with which bank (bank-and-city offers)

Issue 15 item 3 (SPEC TRN-3, CITY-3).

Revision ID: b6c7d8e9f0a2
Revises: a5b6c7d8e9f1
Create Date: 2026-12-04 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b6c7d8e9f0a2"
down_revision: str | None = "a5b6c7d8e9f1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("transport_top_ups") as batch:
        batch.add_column(
            sa.Column(
                "paid_fen", sa.BigInteger, nullable=True, comment="what the holder paid (an offer)"
            )
        )
        batch.add_column(
            sa.Column(
                "paid_with_bank",
                sa.String(16),
                nullable=True,
                comment="the paying account's bank",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("transport_top_ups") as batch:
        batch.drop_column("paid_with_bank")
        batch.drop_column("paid_fen")
