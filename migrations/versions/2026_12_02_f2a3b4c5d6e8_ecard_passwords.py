"""ecard_passwords: the ecard password, asked before a code that pays at a hospital (ECARD-3)

Issue 14 item 3. argon2id of the peppered PIN, the wrong tries in a row and the lock (PWD-3).

Revision ID: f2a3b4c5d6e8
Revises: e1f2a3b4c5d7
Create Date: 2026-12-02 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "f2a3b4c5d6e8"
down_revision: str | None = "e1f2a3b4c5d7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sscard.kernel.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "ecard_passwords",
        sa.Column("ecard_id", sscard.kernel.db.Id, sa.ForeignKey("ecards.id"), primary_key=True),
        sa.Column(
            "password_hash",
            sa.String(255),
            nullable=False,
            comment="argon2id of the peppered PIN",
        ),
        sa.Column(
            "failed_attempts", sa.Integer(), nullable=False, comment="wrong tries in a row (PWD-3)"
        ),
        _at("locked_at", nullable=True),
        _at("set_at"),
        _at("updated_at"),
    )


def downgrade() -> None:
    op.drop_table("ecard_passwords")
