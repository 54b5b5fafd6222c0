"""online applications: delivery by EMS or collection at another city's outlet (issue 13, APP-4)

Revision ID: e9f0a1b2c3d4
Revises: d8e9f0a1b2c3
Create Date: 2026-12-01 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.kernel.db import Id, UTCDateTime

revision: str = "e9f0a1b2c3d4"
down_revision: str | None = "d8e9f0a1b2c3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


OLD_OPEN = "status IN ('accepted', 'in_production', 'produced', 'ready_for_collection')"
NEW_OPEN = (
    "status IN ('accepted', 'in_production', 'produced', 'ready_for_collection', 'mailed',"
    " 'with_unit')"
)


def _open_index(where: str) -> None:
    with op.batch_alter_table("applications") as batch:
        batch.drop_index("uq_applications_open_person")
    op.create_index(
        "uq_applications_open_person",
        "applications",
        ["person_id"],
        unique=True,
        postgresql_where=sa.text(where),
        sqlite_where=sa.text(where),
    )


def upgrade() -> None:
    _open_index(NEW_OPEN)  # SPEC ID-3: a card in the post or with the unit is still open work
    op.create_table(
        "application_deliveries",
        sa.Column("application_id", Id, sa.ForeignKey("applications.id"), primary_key=True),
        sa.Column(
            "mode",
            sa.String(8),
            nullable=False,
            comment="ems: mailed, postage paid on delivery; outlet",
        ),
        sa.Column(
            "collection_outlet_id",
            Id,
            sa.ForeignKey("outlets.id"),
            nullable=True,
            comment="mode outlet: where the card is collected, in any Jiangsu city (APP-1)",
        ),
        sa.Column("province", sa.String(16), nullable=True, comment="mode ems: address, province"),
        sa.Column("city", sa.String(32), nullable=True, comment="mode ems: address, city"),
        sa.Column(
            "district",
            sa.String(32),
            nullable=True,
            comment="mode ems: address, district or county",
        ),
        sa.Column(
            "detail_enc", sa.LargeBinary, nullable=True, comment="street and number, SM4 sealed"
        ),
        sa.Column("detail_masked", sa.String(64), nullable=True),
        sa.Column(
            "recipient_enc", sa.LargeBinary, nullable=True, comment="recipient's name, sealed"
        ),
        sa.Column("recipient_masked", sa.String(64), nullable=True),
        sa.Column("phone_enc", sa.LargeBinary, nullable=True, comment="recipient's phone, sealed"),
        sa.Column("phone_masked", sa.String(16), nullable=True),
        sa.Column("tracking_number", sa.String(32), nullable=True, comment="EMS waybill number"),
        sa.Column("sent_at", UTCDateTime, nullable=True),
        sa.Column("delivered_at", UTCDateTime, nullable=True),
        sa.Column(
            "returned_at", UTCDateTime, nullable=True, comment="last time EMS brought it back"
        ),
    )
    op.create_index(
        "ix_application_deliveries_tracking",
        "application_deliveries",
        ["tracking_number"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ix_application_deliveries_tracking", "application_deliveries")
    op.drop_table("application_deliveries")
    _open_index(OLD_OPEN)
