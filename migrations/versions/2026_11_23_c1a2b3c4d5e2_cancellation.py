"""cancellation and closure notices (CAN-1..5)

Revision ID: c1a2b3c4d5e2
Revises: c1a2b3c4d5e1
Create Date: 2026-11-23 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "c1a2b3c4d5e2"
down_revision: str | None = "c1a2b3c4d5e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "cancellations",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False, comment="notice number"),
        sa.Column("card_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False, comment="CAN-1 reason"),
        sa.Column(
            "presenter",
            sa.String(length=16),
            nullable=False,
            comment="holder | family_member | agent",
        ),
        sa.Column("card_presented", sa.Boolean(), nullable=False),
        sa.Column("police_certificate_number", sa.String(length=64), nullable=True),
        sa.Column("transfer_certificate_number", sa.String(length=64), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("city_code", sa.String(length=4), nullable=False),
        sa.Column("bank_code", sa.String(length=16), nullable=False),
        sa.Column("outlet_id", ID, nullable=False, comment="issuing outlet"),
        sa.Column("actor_id", ID, nullable=True),
        sa.Column("notice_issued_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_cancellations_actor_id_actors")
        ),
        sa.ForeignKeyConstraint(
            ["bank_code"], ["banks.code"], name=op.f("fk_cancellations_bank_code_banks")
        ),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_cancellations_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["city_code"], ["cities.code"], name=op.f("fk_cancellations_city_code_cities")
        ),
        sa.ForeignKeyConstraint(
            ["outlet_id"], ["outlets.id"], name=op.f("fk_cancellations_outlet_id_outlets")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_cancellations_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cancellations")),
        sa.UniqueConstraint("card_id", name=op.f("uq_cancellations_card_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_cancellations_reference")),
    )
    with op.batch_alter_table("cancellations", schema=None) as batch_op:
        batch_op.create_index("ix_cancellations_bank_code_id", ["bank_code", "id"], unique=False)
        batch_op.create_index("ix_cancellations_city_code_id", ["city_code", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cancellations_person_id"), ["person_id"], unique=False)

    op.create_table(
        "cancellation_representatives",
        sa.Column("cancellation_id", ID, nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False, comment="family_member | agent"),
        sa.Column("relationship", sa.String(length=32), nullable=True),
        sa.Column("name_enc", sa.LargeBinary(), nullable=False),
        sa.Column("name_masked", sa.String(length=64), nullable=False),
        sa.Column("doc_type", sa.String(length=32), nullable=False),
        sa.Column("number_index", sa.String(length=64), nullable=False),
        sa.Column("number_enc", sa.LargeBinary(), nullable=False),
        sa.Column("number_masked", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["cancellation_id"],
            ["cancellations.id"],
            name=op.f("fk_cancellation_representatives_cancellation_id_cancellations"),
        ),
        sa.PrimaryKeyConstraint("cancellation_id", name=op.f("pk_cancellation_representatives")),
    )


def downgrade() -> None:
    op.drop_table("cancellation_representatives")
    with op.batch_alter_table("cancellations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cancellations_person_id"))
        batch_op.drop_index("ix_cancellations_city_code_id")
        batch_op.drop_index("ix_cancellations_bank_code_id")
    op.drop_table("cancellations")
