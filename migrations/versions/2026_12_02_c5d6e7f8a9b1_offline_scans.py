"""offline_scans: what gates scanned offline, reconciled for single use across gates (ECARD-3)

Issue 14 item 4.

Revision ID: c5d6e7f8a9b1
Revises: b4c5d6e7f8a0
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "c5d6e7f8a9b1"
down_revision: str | None = "b4c5d6e7f8a0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sscard.kernel.db.Id


def _at(name: str, comment: str | None = None) -> sa.Column:
    return sa.Column(
        name, sscard.kernel.db.UTCDateTime(timezone=True), nullable=False, comment=comment
    )


def upgrade() -> None:
    op.create_table(
        "offline_scans",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("operator_id", Id, sa.ForeignKey("scene_operators.id"), nullable=False),
        sa.Column("terminal_id", Id, sa.ForeignKey("scene_terminals.id"), nullable=False),
        sa.Column("ecard_id", Id, sa.ForeignKey("ecards.id"), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False, comment="the code's 8 random bytes"),
        _at("scanned_at", "the gate's clock"),
        sa.Column(
            "admitted", sa.Boolean(), nullable=False, comment="what the gate decided offline"
        ),
        sa.Column(
            "finding",
            sa.String(24),
            nullable=False,
            comment="first_use | used_twice | outside_validity: the reconciliation's",
        ),
        _at("uploaded_at"),
        sa.UniqueConstraint("terminal_id", "ecard_id", "nonce", name="uq_offline_scans_code"),
    )
    op.create_index("ix_offline_scans_code", "offline_scans", ["ecard_id", "nonce"])


def downgrade() -> None:
    op.drop_index("ix_offline_scans_code", "offline_scans")
    op.drop_table("offline_scans")
