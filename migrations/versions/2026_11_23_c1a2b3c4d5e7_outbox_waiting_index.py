"""outbox: a partial index of the messages still waiting, by card

Revision ID: c1a2b3c4d5e7
Revises: c1a2b3c4d5e6
Create Date: 2026-11-23 20:00:00

The dispatcher asks, for each due message, whether an earlier message of the same card still
waits. On the full (ordering_key, id) index that reads the card's whole history, and a planner
whose statistics say nothing waits (a drained outbox, before autoanalyze) chose to scan every
waiting message of the bank instead: 106 messages/s instead of 2,400 in the delivery benchmark.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c1a2b3c4d5e7"
down_revision: str | None = "c1a2b3c4d5e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = sa.text("status IN ('pending', 'failed')")


def upgrade() -> None:
    op.create_index(
        "ix_outbox_waiting_ordering_key_id",
        "outbox",
        ["ordering_key", "id"],
        postgresql_where=WAITING,
        sqlite_where=WAITING,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_waiting_ordering_key_id", table_name="outbox")
