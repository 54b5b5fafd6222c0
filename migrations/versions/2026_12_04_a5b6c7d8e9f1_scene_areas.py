"""scene operators: the county-level area where a fare differs (Jintan, Liyang)

Issue 15 item 3 (SPEC TRN-3).

Revision ID: a5b6c7d8e9f1
Revises: f4a5b6c7d8e0
Create Date: 2026-12-04 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a5b6c7d8e9f1"
down_revision: str | None = "f4a5b6c7d8e0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scene_operators") as batch:
        batch.add_column(
            sa.Column(
                "area_code",
                sa.String(6),
                nullable=True,
                comment="its county-level area (GB/T 2260) where a fare differs there (TRN-3)",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("scene_operators") as batch:
        batch.drop_column("area_code")
