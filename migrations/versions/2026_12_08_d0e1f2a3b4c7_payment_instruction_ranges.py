"""payments: a batch's credit instruction read by its range of payment ids, not by an index
of every payment's instruction

Issue 15, "Scale and faults": a batch of 1,000,000 payments writes each row's entry in every
index of `payments` in one INSERT ... SELECT, and `ix_payments_instruction_id` took 1.35 s of
it (measured on the bench database). A batch draws its payments' ids bank by bank in line
order, the order it numbers them into instructions, so each instruction's payments lie
within one range of ids, kept on the instruction (`first_payment_id`, `last_payment_id`) and
read through the primary key. Payments released from held (PAY-2, instructions
`CR-<payment>-<random>`) are scattered over the table: a partial index keeps those alone.

Existing instructions take the range of their payments' ids (read before the old index
goes).

Revision ID: d0e1f2a3b4c7
Revises: c9d0e1f2a3b6
Create Date: 2026-12-08 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.kernel.db import Id

revision: str = "d0e1f2a3b4c7"
down_revision: str | None = "c9d0e1f2a3b6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RELEASED = "instruction_id LIKE 'CR-%'"
RANGE = ("first_payment_id", "last_payment_id")
COMMENT = "its payments' ids lie within first..last"


def upgrade() -> None:
    with op.batch_alter_table("credit_instructions") as batch:
        for name in RANGE:
            batch.add_column(sa.Column(name, Id, nullable=True, comment=COMMENT))
    for name, pick in zip(RANGE, ("min", "max"), strict=True):
        op.execute(
            f"UPDATE credit_instructions SET {name} = (SELECT {pick}(p.id) FROM payments p "
            "WHERE p.instruction_id = credit_instructions.id)"
        )
    op.execute("UPDATE credit_instructions SET first_payment_id = 0, last_payment_id = 0 "
               "WHERE first_payment_id IS NULL")  # fmt: skip
    with op.batch_alter_table("credit_instructions") as batch:
        for name in RANGE:
            batch.alter_column(name, existing_type=Id, nullable=False)
    op.drop_index("ix_payments_instruction_id", table_name="payments")
    op.create_index(
        "ix_payments_released_instruction", "payments", ["instruction_id"],
        postgresql_where=sa.text(RELEASED), sqlite_where=sa.text(RELEASED),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_payments_released_instruction", table_name="payments")
    op.create_index("ix_payments_instruction_id", "payments", ["instruction_id"])
    with op.batch_alter_table("credit_instructions") as batch:
        for name in RANGE:
            batch.drop_column(name)
