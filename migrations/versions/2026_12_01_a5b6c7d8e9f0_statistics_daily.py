"""statistics_daily: the card centre's daily counters (SPEC GOV-6), counted from what is stored

The dashboard reads ranges of these counters instead of scanning cards and applications; the
subscribers of sscard.statistics keep them in the transaction of each change from now on. This
migration counts what exists already (the same statements as POST /api/v1/statistics/rebuild).

Revision ID: a5b6c7d8e9f0
Revises: f4a5b6c7d8e9
Create Date: 2026-12-01 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.statistics.repository import recount_statements

revision: str = "a5b6c7d8e9f0"
down_revision: str | None = "f4a5b6c7d8e9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statistics_daily",
        sa.Column("measure", sa.String(24), nullable=False, comment="what is counted, e.g. issued"),
        sa.Column("day", sa.Date(), nullable=False, comment="Beijing business date of the change"),
        sa.Column(
            "city_code", sa.String(4), nullable=False, comment="the card's or application's city"
        ),
        sa.Column("bank_code", sa.String(16), nullable=False, comment="the card's bank"),
        sa.Column(
            "generation", sa.Integer(), nullable=False, comment="card generation; 0 if not counted"
        ),
        sa.Column(
            "channel", sa.String(32), nullable=False, comment="channel of the change; '' if none"
        ),
        sa.Column("n", sa.BigInteger(), nullable=False, comment="how many changes"),
        sa.PrimaryKeyConstraint(
            "measure", "day", "city_code", "bank_code", "generation", "channel"
        ),
    )
    op.create_index(
        "ix_statistics_daily_city_measure_day",
        "statistics_daily",
        ["city_code", "measure", "day"],
    )
    bind = op.get_bind()
    for statement in recount_statements(bind.dialect.name):
        bind.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_statistics_daily_city_measure_day", table_name="statistics_daily")
    op.drop_table("statistics_daily")
