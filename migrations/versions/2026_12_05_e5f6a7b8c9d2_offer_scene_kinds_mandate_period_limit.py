"""offers: the scene kinds that redeem them; mandates: the limit is per period

Adversarial review of issue 15 (SPEC PRM-1, PAY-1). An offer redeemed at scenes names the
scene kinds whose terminals take its vouchers: a tourism voucher is a scenic spot's, not a bus
reader's or a top-up kiosk's. Offers stored before name none: a tourism voucher gets the scenic
spots; any other scene offer gets none, so no terminal takes it until the province names its
kinds. A mandate's max_amount_fen is the most debited under it in one period (YYYY-MM), not
the most one debit takes: the debits of a mandate are read by mandate and period.

Revision ID: e5f6a7b8c9d2
Revises: d8e9f0a1b2c4
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5f6a7b8c9d2"
down_revision: str | None = "d8e9f0a1b2c4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCENE_KINDS_COMMENT = "the scenes.rules.SceneKind values whose terminals redeem it; [] at a counter"
PER_PERIOD = "the most debited under it in one period (YYYY-MM), refused and returned debits aside"
PER_DEBIT = "the most one debit takes"


def upgrade() -> None:
    with op.batch_alter_table("offers") as batch:
        batch.add_column(
            sa.Column("scene_kinds", sa.JSON(), nullable=True, comment=SCENE_KINDS_COMMENT)
        )
    op.execute("UPDATE offers SET scene_kinds = '[]'")
    op.execute(
        "UPDATE offers SET scene_kinds = '[\"scenic_spot\"]' "
        "WHERE redeem_at = 'scene' AND kind = 'tourism_voucher'"
    )
    with op.batch_alter_table("offers") as batch:
        batch.alter_column(
            "scene_kinds",
            existing_type=sa.JSON(),
            nullable=False,
            existing_comment=SCENE_KINDS_COMMENT,
        )
    op.create_index("ix_debits_mandate_id_period", "debits", ["mandate_id", "period"])
    op.drop_index("ix_debits_mandate_id", table_name="debits")
    if op.get_bind().dialect.name == "postgresql":  # SQLite keeps no column comments
        op.alter_column(
            "mandates",
            "max_amount_fen",
            existing_type=sa.BigInteger(),
            existing_nullable=False,
            comment=PER_PERIOD,
            existing_comment=PER_DEBIT,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "mandates",
            "max_amount_fen",
            existing_type=sa.BigInteger(),
            existing_nullable=False,
            comment=PER_DEBIT,
            existing_comment=PER_PERIOD,
        )
    op.create_index("ix_debits_mandate_id", "debits", ["mandate_id"])
    op.drop_index("ix_debits_mandate_id_period", table_name="debits")
    with op.batch_alter_table("offers") as batch:
        batch.drop_column("scene_kinds")
