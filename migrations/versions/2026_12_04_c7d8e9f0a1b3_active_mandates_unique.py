"""mandates: one active mandate per holder, payee and payee account (concurrent signings)

Issue 15 item 10 (SPEC PAY-1).

Revision ID: c7d8e9f0a1b3
Revises: b6c7d8e9f0a2
Create Date: 2026-12-04 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c7d8e9f0a1b3"
down_revision: str | None = "b6c7d8e9f0a2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    active = sa.text("status = 'active'")
    op.create_index(
        "ux_mandates_active",
        "mandates",
        ["person_id", "payee_code", "customer_number"],
        unique=True,
        postgresql_where=active,
        sqlite_where=active,
    )


def downgrade() -> None:
    op.drop_index("ux_mandates_active", table_name="mandates")
