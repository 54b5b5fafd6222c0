"""transport: the ledger read by purse through (purse, counter), and by day through a BRIN
index of `at`

Issue 15, "Scale and faults": a clearing file of 1,000,000 offline fares writes about 900,000
ledger rows in one INSERT ... SELECT, and each row's entry in every index of the ledger was a
large part of its time (five indexes: 6.6 s of the insert against 1.5 s for the rows and the
primary key, measured on the bench database). Two go:

- `ix_transport_ledger_purse` (purse, id): a purse's trips are read in the card's own order,
  its transaction counter (SPEC TRN-3: every write on the card takes the next counter; the
  refund that closes the purse, the only write without one, is the last), which the unique
  (purse, counter) index serves, newest first.
- `ix_transport_ledger_kind_at` (kind, at): the daily clearing between cities reads one day's
  fares by `at`. The ledger is written in time order but for offline fares, which name a
  moment up to 30 days back (offline.rules.UPLOAD_WINDOW): on PostgreSQL a BRIN index of `at`
  (a few pages, summarising each range of blocks by its earliest and latest moment) finds the
  day's blocks, where a B-tree took an entry per row. Each range of blocks is summarised as
  it fills (autosummarize; a range not yet summarised is read whole, never missed). SQLite
  has no BRIN: there it is a B-tree of `at`.

Revision ID: c9d0e1f2a3b6
Revises: b8c9d0e1f2a5
Create Date: 2026-12-07 08:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c9d0e1f2a3b6"
down_revision: str | None = "b8c9d0e1f2a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "transport_ledger"


def upgrade() -> None:
    op.drop_index("ix_transport_ledger_purse", table_name=TABLE)
    op.drop_index("ix_transport_ledger_kind_at", table_name=TABLE)
    op.create_index(
        "ix_transport_ledger_at", TABLE, ["at"], postgresql_using="brin",
        postgresql_with={"autosummarize": "on"},
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_transport_ledger_at", table_name=TABLE)
    op.create_index("ix_transport_ledger_kind_at", TABLE, ["kind", "at"])
    op.create_index("ix_transport_ledger_purse", TABLE, ["purse_id", "id"])
