"""client knocks: per-client limits on sign-in (platform.throttle)

Anyone knowing a person's number and name could use up the person's hourly sign-in codes, and
anyone could lock a staff account with five wrong passwords; one client address may now knock
only so often at each door (issue 13).

Revision ID: d4e5f6a7b8c0
Revises: c3d4e5f6a7b9
Create Date: 2026-12-02 03:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "d4e5f6a7b8c0"
down_revision: str | None = "c3d4e5f6a7b9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "client_knocks",
        sa.Column("id", sscard.kernel.db.Id, primary_key=True, autoincrement=True),
        sa.Column("door", sa.String(32), nullable=False, comment="rules.Door"),
        sa.Column(
            "client_index",
            sa.String(64),
            nullable=False,
            comment="HMAC-SM3 of the client address (an address is personal data, never in clear)",
        ),
        sa.Column("at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_client_knocks_door_client_at", "client_knocks", ["door", "client_index", "at"]
    )


def downgrade() -> None:
    op.drop_index("ix_client_knocks_door_client_at", table_name="client_knocks")
    op.drop_table("client_knocks")
