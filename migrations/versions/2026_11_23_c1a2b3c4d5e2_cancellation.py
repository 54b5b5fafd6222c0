"""cancellation and closure notices (CAN-1..5)

Revision ID: c1a2b3c4d5e2
Revises: c1a2b3c4d5e1
Create Date: 2026-11-23 15:00:00
"""

from collections.abc import Sequence

revision: str = "c1a2b3c4d5e2"
down_revision: str | None = "c1a2b3c4d5e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
