"""statistics_daily: applications accepted per day, city, bank and channel (SPEC GOV-6)

From now on the ApplicationAccepted subscriber counts them as they are accepted; this migration
counts the applications stored before it (the same statement as the statistics' recount).

Revision ID: b6c7d8e9f0a1
Revises: a5b6c7d8e9f0
Create Date: 2026-12-01 05:40:00
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import delete

from sscard.statistics.models import statistics_daily
from sscard.statistics.repository import accepted_rows

revision: str = "b6c7d8e9f0a1"
down_revision: str | None = "a5b6c7d8e9f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    names = [c.name for c in statistics_daily.columns]
    bind.execute(delete(statistics_daily).where(statistics_daily.c.measure == "accepted"))
    bind.execute(statistics_daily.insert().from_select(names, accepted_rows(bind.dialect.name)))


def downgrade() -> None:
    op.get_bind().execute(delete(statistics_daily).where(statistics_daily.c.measure == "accepted"))
