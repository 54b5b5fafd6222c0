"""idempotent answers stored encrypted

An answer kept for an Idempotency-Key may hold what must not lie in clear: a new actor's token,
personal data. From this revision it is stored SM4-GCM encrypted in `body_enc`. `body` stays,
nullable, for answers stored before; they are read as they are until they age out.

Revision ID: c1a2b3c4d5e7
Revises: c1a2b3c4d5e6
Create Date: 2026-11-30 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c1a2b3c4d5e7"
down_revision: str | None = "c1a2b3c4d5e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.alter_column("body", existing_type=sa.Text(), nullable=True)
        batch.add_column(
            sa.Column(
                "body_enc",
                sa.LargeBinary(),
                nullable=True,
                comment="SM4-GCM of the answer's JSON; null while the key's request runs",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.drop_column("body_enc")
        batch.alter_column("body", existing_type=sa.Text(), nullable=False)
