"""ix_applications_status_due_date holds the city and channel too (SPEC GOV-6, APP-7)

The dashboard counts open work by state and channel and overdue work by city and state; with
both columns in the index those counts read the index alone instead of one table row per open
application. The index keeps its name and its leading columns (status, due date), so every
other read of it is as before.

Revision ID: c7d8e9f0a1b2
Revises: b6c7d8e9f0a1
Create Date: 2026-12-01 06:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c7d8e9f0a1b2"
down_revision: str | None = "b6c7d8e9f0a1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch_op:
        batch_op.drop_index("ix_applications_status_due_date")
        batch_op.create_index(
            "ix_applications_status_due_date", ["status", "due_date", "city_code", "channel"]
        )


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch_op:
        batch_op.drop_index("ix_applications_status_due_date")
        batch_op.create_index("ix_applications_status_due_date", ["status", "due_date"])
