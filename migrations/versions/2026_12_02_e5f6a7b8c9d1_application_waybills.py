"""application waybills: an EMS waybill is used for one mailing, ever

A returned card's waybill was cleared from its delivery and could then be recorded again, for
the same card or another (issue 13). Every waybill handed to EMS is now kept with its end.

Revision ID: e5f6a7b8c9d1
Revises: d4e5f6a7b8c0
Create Date: 2026-12-02 03:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "e5f6a7b8c9d1"
down_revision: str | None = "d4e5f6a7b8c0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "application_waybills",
        sa.Column(
            "tracking_number",
            sa.String(32),
            primary_key=True,
            comment="an EMS waybill serves one mailing, ever: a returned one is not used again",
        ),
        sa.Column(
            "application_id",
            sscard.kernel.db.Id,
            sa.ForeignKey("applications.id"),
            nullable=False,
        ),
        sa.Column("sent_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("returned_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_application_waybills_application_id", "application_waybills", ["application_id"]
    )
    # the waybills in use when this runs (a returned one was cleared and is not known)
    op.execute(
        "INSERT INTO application_waybills (tracking_number, application_id, sent_at, delivered_at)"
        " SELECT tracking_number, application_id, sent_at, delivered_at"
        " FROM application_deliveries WHERE tracking_number IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_application_waybills_application_id", table_name="application_waybills")
    op.drop_table("application_waybills")
