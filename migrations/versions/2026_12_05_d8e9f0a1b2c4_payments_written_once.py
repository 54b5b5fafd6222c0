"""payments: no row-by-row foreign-key checks, a small index of the held payments; a
person's newest card read from an index

Issue 15, "Scale and faults": a batch of 1,000,000 payments is stored by one INSERT ... SELECT
that takes each payment's person, card and batch from the joins that routed it (SPEC PAY-1,
REP-3). PostgreSQL checks a foreign key by a trigger per row: three keys were three million
lookups and row locks per batch, most of the statement's time. Persons, cards and batches are
never deleted, and no other statement writes these columns but the re-routing of held
payments, which also takes them from the cards. The held payments (PAY-2's sweep, a few per
cent of the table) get a partial index of their own instead of an index of every payment's
status and kind, which no query read but through `status = 'held'`. Each line's newest card
is one backward probe of cards (person_id, id), covering on PostgreSQL what routing reads
(bank, states): an index of (person_id, hr_status) needed a sort and a heap read per line.

Revision ID: d8e9f0a1b2c4
Revises: c7d8e9f0a1b3
Create Date: 2026-12-05 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d8e9f0a1b2c4"
down_revision: str | None = "c7d8e9f0a1b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYS = (
    ("fk_payments_batch_id_payment_batches", "payment_batches", "batch_id"),
    ("fk_payments_person_id_persons", "persons", "person_id"),
    ("fk_payments_card_id_cards", "cards", "card_id"),
)
HELD = sa.text("status = 'held'")


NEWEST = ["bank_code", "hr_status", "financial_status"]


def upgrade() -> None:
    op.create_index(
        "ix_cards_person_id_id", "cards", ["person_id", "id"], postgresql_include=NEWEST
    )
    op.drop_index("ix_cards_person_id_hr_status", table_name="cards")
    op.drop_index("ix_payments_status_kind", table_name="payments")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        for name, _table, _column in KEYS:
            batch_op.drop_constraint(batch_op.f(name), type_="foreignkey")
    op.create_index(
        "ix_payments_held_person_id",
        "payments",
        ["person_id"],
        postgresql_where=HELD,
        sqlite_where=HELD,
    )


def downgrade() -> None:
    op.drop_index("ix_payments_held_person_id", table_name="payments")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        for name, table, column in KEYS:
            batch_op.create_foreign_key(batch_op.f(name), table, [column], ["id"])
    op.create_index("ix_payments_status_kind", "payments", ["status", "kind"])
    op.create_index("ix_cards_person_id_hr_status", "cards", ["person_id", "hr_status"])
    op.drop_index("ix_cards_person_id_id", table_name="cards")
