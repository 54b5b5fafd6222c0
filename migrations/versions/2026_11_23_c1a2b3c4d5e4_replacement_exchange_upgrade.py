"""replacement, exchange, upgrade, city transfer

Revision ID: c1a2b3c4d5e4
Revises: c1a2b3c4d5e3
Create Date: 2026-11-23 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "c1a2b3c4d5e4"
down_revision: str | None = "c1a2b3c4d5e3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AT = sscard.kernel.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("cards") as batch:
        batch.add_column(
            sa.Column(
                "social_data_reset_pending",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
                comment="JUR-1",
            )
        )
        batch.add_column(
            sa.Column("expiry_reminded_at", AT, nullable=True, comment="ISS-7 reminder sent")
        )
        batch.create_index("ix_cards_expiry_date", ["expiry_date"])
    with op.batch_alter_table("applications") as batch:
        batch.add_column(
            sa.Column("replaces_card_id", ID, nullable=True, comment="card replaced/exchanged")
        )
        batch.add_column(
            sa.Column(
                "exchange_reason",
                sa.String(32),
                nullable=True,
                comment="REP-2 kind of an exchange",
            )
        )
        batch.create_unique_constraint("uq_applications_replaces_card_id", ["replaces_card_id"])
        batch.create_index("ix_applications_person_id_accepted_at", ["person_id", "accepted_at"])
    op.create_table(
        "legacy_cards",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("person_id", ID, sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("application_id", ID, sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("issuer_city_code", sa.String(4), sa.ForeignKey("cities.code"), nullable=True),
        sa.Column("outside_jiangsu", sa.Boolean(), nullable=False),
        sa.Column("bank_code", sa.String(16), sa.ForeignKey("banks.code"), nullable=True),
        sa.Column("number_enc", sa.LargeBinary(), nullable=False),
        sa.Column("number_masked", sa.String(32), nullable=False),
        sa.Column(
            "bank_closure",
            sa.String(16),
            nullable=False,
            comment="none | formally_lost | closed",
        ),
        sa.Column("medical_function", sa.String(16), nullable=False, comment="active | moved"),
        sa.Column("medical_moved_to_card_id", ID, sa.ForeignKey("cards.id"), nullable=True),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("updated_at", AT, nullable=False),
        sa.UniqueConstraint("application_id"),
    )
    op.create_index("ix_legacy_cards_person_id", "legacy_cards", ["person_id"])
    op.create_table(
        "temporary_medical_cards",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("person_id", ID, sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("application_id", ID, sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("outlet_id", ID, sa.ForeignKey("outlets.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, comment="valid | ended"),
        sa.Column("issued_at", AT, nullable=False),
        sa.Column("ended_at", AT, nullable=True),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("application_id"),
    )
    op.create_index(
        "ix_temporary_medical_cards_person_id", "temporary_medical_cards", ["person_id"]
    )
    op.create_table(
        "base_data_corrections",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("person_id", ID, sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False, comment="names of the corrected fields"),
        sa.Column(
            "certificate_number", sa.String(64), nullable=False, comment="police certificate"
        ),
        sa.Column("outlet_id", ID, sa.ForeignKey("outlets.id"), nullable=True),
        sa.Column("corrected_at", AT, nullable=False),
    )
    op.create_index(
        "ix_base_data_corrections_person_id_corrected_at",
        "base_data_corrections",
        ["person_id", "corrected_at"],
    )


def downgrade() -> None:
    op.drop_table("base_data_corrections")
    op.drop_table("temporary_medical_cards")
    op.drop_table("legacy_cards")
    with op.batch_alter_table("applications") as batch:
        batch.drop_index("ix_applications_person_id_accepted_at")
        batch.drop_constraint("uq_applications_replaces_card_id", type_="unique")
        batch.drop_column("exchange_reason")
        batch.drop_column("replaces_card_id")
    with op.batch_alter_table("cards") as batch:
        batch.drop_index("ix_cards_expiry_date")
        batch.drop_column("expiry_reminded_at")
        batch.drop_column("social_data_reset_pending")
