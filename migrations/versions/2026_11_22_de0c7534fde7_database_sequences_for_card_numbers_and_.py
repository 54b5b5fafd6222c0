"""database sequences for card numbers and references

Revision ID: de0c7534fde7
Revises: 003d1f2dd530
Create Date: 2026-11-22 21:42:57.682843
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "de0c7534fde7"
down_revision: str | None = "003d1f2dd530"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SEQUENCES = ("card_number", "application_reference")


def upgrade() -> None:
    # PostgreSQL only: SQLite keeps using the sequences table (one writer at a time anyway).
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in SEQUENCES:
        op.execute(sa.text(f"CREATE SEQUENCE IF NOT EXISTS seq_{name} START 1"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in SEQUENCES:
        op.execute(sa.text(f"DROP SEQUENCE IF EXISTS seq_{name}"))
