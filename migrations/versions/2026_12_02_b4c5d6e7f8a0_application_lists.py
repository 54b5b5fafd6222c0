"""application_lists: published versions of the delta's, the province's and the cities' lists
of card uses (YRD-2)

Issue 14 item 13. Version 1 of the delta's and the province's lists ships with sscard
(scenes/lists/data); later versions are rows here.

Revision ID: b4c5d6e7f8a0
Revises: a3b4c5d6e7f9
Create Date: 2026-12-02 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "b4c5d6e7f8a0"
down_revision: str | None = "a3b4c5d6e7f9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sscard.kernel.db.Id


def upgrade() -> None:
    op.create_table(
        "application_lists",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "scope",
            sa.String(8),
            nullable=False,
            comment="lists.ListScope: delta, province, city",
        ),
        sa.Column("city_code", sa.String(4), sa.ForeignKey("cities.code"), nullable=True),
        sa.Column(
            "version", sa.Integer(), nullable=False, comment="2 on; version 1 ships with sscard"
        ),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("published_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by", Id, sa.ForeignKey("actors.id"), nullable=True),
        sa.UniqueConstraint("scope", "city_code", "version", name="uq_application_lists_version"),
    )
    op.create_index(
        "ix_application_lists_scope",
        "application_lists",
        ["scope", "city_code", "effective_from"],
    )
    op.create_table(
        "application_list_entries",
        sa.Column("list_id", Id, sa.ForeignKey("application_lists.id"), primary_key=True),
        sa.Column("scene_use", sa.String(16), primary_key=True),
        sa.Column("scene_kind", sa.String(24), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("application_list_entries")
    op.drop_index("ix_application_lists_scope", "application_lists")
    op.drop_table("application_lists")
