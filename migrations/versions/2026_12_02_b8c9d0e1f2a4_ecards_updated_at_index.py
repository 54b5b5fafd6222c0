"""ecards: an index on updated_at, for the status list's deltas (ECARD-3, issue 14 item 4)

Revision ID: b8c9d0e1f2a4
Revises: a7b8c9d0e1f3
Create Date: 2026-12-02 04:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b8c9d0e1f2a4"
down_revision: str | None = "a7b8c9d0e1f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_ecards_updated_at", "ecards", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_ecards_updated_at", table_name="ecards")
