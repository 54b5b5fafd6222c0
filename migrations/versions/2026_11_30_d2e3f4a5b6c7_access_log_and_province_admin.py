"""access log with per-reader SM3 chains; the province administrator as its own role

Every read of a full record (a person, a card, its history, a credit record) is logged with who,
role, channel, outlet, city, when, which record and why, chained per reader by SM3 (issue 11,
SPEC ID-6, GOV-5). A centre administrator is now bound to a city; the administrators created
before without a city were province-wide and become `province_admin`.

Revision ID: d2e3f4a5b6c7
Revises: 9a2d4b320c2e
Create Date: 2026-11-30 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.kernel.db import Id, UTCDateTime

revision: str = "d2e3f4a5b6c7"
down_revision: str | None = "9a2d4b320c2e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "chain", sa.String(64), nullable=False, comment="actor:<id>/<shard>: a reader's chain"
        ),
        sa.Column(
            "position", sa.BigInteger(), nullable=False, comment="1, 2, ... within the chain"
        ),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("outlet_id", sa.BigInteger(), nullable=True),
        sa.Column("city_code", sa.String(4), nullable=True, comment="the reader's city, if bound"),
        sa.Column("subject_kind", sa.String(32), nullable=False),
        sa.Column("subject_key", sa.String(64), nullable=False, comment="an id or a card number"),
        sa.Column("person_id", sa.BigInteger(), nullable=True),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column(
            "hash",
            sa.String(64),
            nullable=False,
            comment="HMAC-SM3(data key; prev_hash, the entry)",
        ),
    )
    op.create_index(
        "ix_access_log_chain_position", "access_log", ["chain", "position"], unique=True
    )
    op.create_index("ix_access_log_person_at", "access_log", ["person_id", "at"])
    op.create_index("ix_access_log_at", "access_log", ["at"])
    op.create_table(
        "access_chain_heads",
        sa.Column("chain", sa.String(64), primary_key=True),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.execute(
        "UPDATE actors SET role = 'province_admin'"
        " WHERE role = 'centre_admin' AND city_code IS NULL"
    )


def downgrade() -> None:
    op.execute("UPDATE actors SET role = 'centre_admin' WHERE role = 'province_admin'")
    op.drop_table("access_chain_heads")
    op.drop_index("ix_access_log_at", "access_log")
    op.drop_index("ix_access_log_person_at", "access_log")
    op.drop_index("ix_access_log_chain_position", "access_log")
    op.drop_table("access_log")
