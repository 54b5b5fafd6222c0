"""application withdrawal (issue 11)

An open application can be withdrawn (status `withdrawn`): why (an enumerated reason), the
free text, and when are kept on the application; the history row says who and where. The
status column is free text and the open-application index lists the open states by name, so
neither changes.

Revision ID: 9a2d4b320c2e
Revises: c1a2b3c4d5e7
Create Date: 2026-11-30 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "9a2d4b320c2e"
down_revision: str | None = "c1a2b3c4d5e7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AT = sscard.kernel.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.add_column(
            sa.Column(
                "withdrawal_reason", sa.String(32), nullable=True, comment="why it was withdrawn"
            )
        )
        batch.add_column(
            sa.Column(
                "withdrawal_note",
                sa.String(200),
                nullable=True,
                comment="the withdrawal's free text",
            )
        )
        batch.add_column(sa.Column("withdrawn_at", AT, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("withdrawn_at")
        batch.drop_column("withdrawal_note")
        batch.drop_column("withdrawal_reason")
