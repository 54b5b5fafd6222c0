"""mandates: found by the payee and its customer's number

Issue 15 item 10 (SPEC PAY-1): a payee's system reads the mandates signed with it
(GET /api/v1/mandates?customer_number=…) to learn the reference to debit under.

Revision ID: f6a7b8c9d0e3
Revises: e5f6a7b8c9d2
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "f6a7b8c9d0e3"
down_revision: str | None = "e5f6a7b8c9d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_mandates_payee_code_customer_number", "mandates", ["payee_code", "customer_number"]
    )


def downgrade() -> None:
    op.drop_index("ix_mandates_payee_code_customer_number", table_name="mandates")
