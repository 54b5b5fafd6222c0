"""payments: when the holder was told a payment is held

A held payment (SPEC PAY-2, ISS-6: the card's financial function not active, no card yet, the
account lost or closed) is told to its holder by a message, once: the worker's sweep finds the
held payments not told yet by a small partial index, groups them per person and payer, queues
the messages and marks them told, outside the batch's transaction.

Revision ID: a7b8c9d0e1f4
Revises: f6a7b8c9d0e3
Create Date: 2026-12-05 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.kernel.db import UTCDateTime

revision: str = "a7b8c9d0e1f4"
down_revision: str | None = "f6a7b8c9d0e3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNTOLD = sa.text("status = 'held' AND holder_told_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "holder_told_at",
                UTCDateTime(timezone=True),
                nullable=True,
                comment="when the holder was told it is held (PAY-2)",
            )
        )
    op.create_index(
        "ix_payments_untold_held", "payments", ["id"], postgresql_where=UNTOLD, sqlite_where=UNTOLD
    )


def downgrade() -> None:
    op.drop_index("ix_payments_untold_held", table_name="payments")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("holder_told_at")
