"""unit batch rows: no index on number_index

The blind index of a row's document number is kept with the row's result, but no query looks a
row up by it; its index only cost every batch's 100,000 inserts (issue 13, "Scale").

Revision ID: a7b8c9d0e1f3
Revises: f6a7b8c9d0e2
Create Date: 2026-12-02 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7b8c9d0e1f3"
down_revision: str | None = "f6a7b8c9d0e2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_COMMENT = "the document number's blind index, kept with the row's result (no lookup by it)"


def upgrade() -> None:
    op.drop_index("ix_unit_batch_rows_number_index", table_name="unit_batch_rows")
    with op.batch_alter_table("unit_batch_rows") as batch:
        batch.alter_column(
            "number_index", existing_type=sa.String(64), existing_nullable=True, comment=_COMMENT
        )


def downgrade() -> None:
    with op.batch_alter_table("unit_batch_rows") as batch:
        batch.alter_column(
            "number_index",
            existing_type=sa.String(64),
            existing_nullable=True,
            comment="to match a corrected re-upload",
        )
    op.create_index("ix_unit_batch_rows_number_index", "unit_batch_rows", ["number_index"])
