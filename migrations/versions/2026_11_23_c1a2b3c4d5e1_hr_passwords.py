"""hr passwords (PWD-1..3)

Revision ID: c1a2b3c4d5e1
Revises: b21010c58e2f
Create Date: 2026-11-23 15:00:00
"""

from collections.abc import Sequence

revision: str = "c1a2b3c4d5e1"
down_revision: str | None = "b21010c58e2f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
