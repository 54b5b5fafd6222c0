"""ecards: a partial index of the ecards not in use, which the full status list reads

Issue 14 "Scale" (the ecard benchmark: a scan of 10 M ecards became an index-only read).

Revision ID: a9b0c1d2e3f5
Revises: f8a9b0c1d2e4
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a9b0c1d2e3f5"
down_revision: str | None = "f8a9b0c1d2e4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    where = sa.text("status != 'active'")
    op.create_index(
        "ix_ecards_not_in_use",
        "ecards",
        ["ecard_no"],
        postgresql_where=where,
        sqlite_where=where,
    )


def downgrade() -> None:
    op.drop_index("ix_ecards_not_in_use", "ecards")
