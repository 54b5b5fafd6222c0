"""transport: the ledger and the clearing lines without row-by-row foreign-key checks; the
lines without their (file, outcome) index

Issue 15, "Scale and faults": a clearing file of 1,000,000 offline fares is written by one
INSERT ... SELECT of its lines and one of the ledger rows they apply (SPEC TRN-3). PostgreSQL
checks a foreign key by a trigger per row: the lines' file and the ledger's purse and operator
were three million lookups and row locks per file, a large part of its time (as for payments,
migration d8e9f0a1b2c4). Every ledger row is written by the transport service in a
transaction that found and locked its purse (a top-up, a refund, a fare online or a clearing
file) and takes its operator from the terminal it authenticated; every clearing line is
written once, by the statement right after its file's row, in the same transaction. Purses,
operators and clearing files are never deleted. The ledger's indexes stay: it is still read by
purse, by (purse, counter) and by (kind, reference). The lines' index of (file, outcome) goes:
every query of a file's lines reads most of them (its applied lines, 90 % of a file, its
report), which the primary key's range of the file serves as well, and its million entries
were written in an order of their own, a page here and a page there.

Revision ID: b8c9d0e1f2a5
Revises: a7b8c9d0e1f4
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b8c9d0e1f2a5"
down_revision: str | None = "a7b8c9d0e1f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYS = {  # table: (constraint, referred table, column)
    "transport_ledger": (
        ("fk_transport_ledger_purse_id_transport_purses", "transport_purses", "purse_id"),
        ("fk_transport_ledger_operator_id_scene_operators", "scene_operators", "operator_id"),
    ),
    "transport_clearing_lines": (
        (
            "fk_transport_clearing_lines_file_id_transport_clearing_files",
            "transport_clearing_files",
            "file_id",
        ),
    ),
}

OUTCOME_INDEX = "ix_transport_clearing_lines_file_outcome"


def upgrade() -> None:
    for table, keys in KEYS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _referred, _column in keys:
                batch_op.drop_constraint(name, type_="foreignkey")
    op.drop_index(OUTCOME_INDEX, table_name="transport_clearing_lines")


def downgrade() -> None:
    op.create_index(OUTCOME_INDEX, "transport_clearing_lines", ["file_id", "outcome"])
    for table, keys in KEYS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, referred, column in keys:
                batch_op.create_foreign_key(name, referred, [column], ["id"])
