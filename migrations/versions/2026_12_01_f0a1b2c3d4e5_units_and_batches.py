"""units, their agents and batch applications (issue 13, APP-3)

Revision ID: f0a1b2c3d4e5
Revises: e9f0a1b2c3d4
Create Date: 2026-12-01 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "f0a1b2c3d4e5"
down_revision: str | None = "e9f0a1b2c3d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "credit_code",
            sa.String(length=18),
            nullable=False,
            comment="unified social credit code, GB 32100 (the unit's, or the authorising unit's)",
        ),
        sa.Column(
            "name", sa.String(length=100), nullable=False, comment="the unit's registered name"
        ),
        sa.Column(
            "kind",
            sa.String(length=16),
            nullable=False,
            comment="government | enterprise | institution | school",
        ),
        sa.Column(
            "basis",
            sa.String(length=24),
            nullable=False,
            comment="credit_code_certificate | authorisation_letter (APP-3)",
        ),
        sa.Column(
            "letter_reference",
            sa.String(length=64),
            nullable=True,
            comment="the authorisation letter's number",
        ),
        sa.Column("city_code", sa.String(length=4), nullable=False),
        sa.Column(
            "outlet_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
            comment="the outlet that registered the unit, where its agents collect by default",
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("registered_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_code"], ["cities.code"], name=op.f("fk_units_city_code_cities")
        ),
        sa.ForeignKeyConstraint(
            ["outlet_id"], ["outlets.id"], name=op.f("fk_units_outlet_id_outlets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_units_credit_code")),
    )
    op.create_table(
        "unit_agents",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name_enc", sa.LargeBinary(), nullable=False),
        sa.Column("name_masked", sa.String(length=64), nullable=False),
        sa.Column("doc_type", sa.String(length=32), nullable=False),
        sa.Column("number_index", sa.String(length=64), nullable=False),
        sa.Column("number_enc", sa.LargeBinary(), nullable=False),
        sa.Column("number_masked", sa.String(length=32), nullable=False),
        sa.Column("phone_enc", sa.LargeBinary(), nullable=True),
        sa.Column("phone_masked", sa.String(length=16), nullable=True),
        sa.Column(
            "actor_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
            comment="the unit_agent actor the agent signs in as (SPEC CH-1)",
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("named_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_unit_agents_actor_id_actors")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_unit_agents_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_agents")),
        sa.UniqueConstraint("actor_id", name=op.f("uq_unit_agents_actor_id")),
    )
    op.create_index(op.f("ix_unit_agents_unit_id"), "unit_agents", ["unit_id"], unique=False)
    op.create_table(
        "unit_batches",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "reference", sa.String(length=32), nullable=False, comment="PC + city + date + seq"
        ),
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "agent_actor_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
            comment="who uploaded",
        ),
        sa.Column(
            "bank_code", sa.String(length=16), nullable=False, comment="APP-3: one bank for all"
        ),
        sa.Column("city_code", sa.String(length=4), nullable=False),
        sa.Column(
            "outlet_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
            comment="where the agent collects",
        ),
        sa.Column(
            "delivery",
            sa.String(length=16),
            nullable=False,
            comment="unit_agent | logistics (APP-3)",
        ),
        sa.Column("file_name", sa.String(length=128), nullable=False),
        sa.Column("file_kind", sa.String(length=8), nullable=False, comment="xlsx | csv"),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.String(length=16),
            nullable=False,
            comment="received (waits for the worker) | validated | failed",
        ),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_accepted", sa.Integer(), nullable=False),
        sa.Column("rows_refused", sa.Integer(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.Column(
            "due_date", sa.Date(), nullable=False, comment="accepted_on + 30 calendar days (APP-3)"
        ),
        sa.Column("uploaded_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "file_enc",
            sa.LargeBinary(),
            nullable=True,
            comment="the upload, sealed, while the batch waits for the worker; dropped when done",
        ),
        sa.Column(
            "failure_code",
            sa.String(length=48),
            nullable=True,
            comment="why a received batch failed",
        ),
        sa.ForeignKeyConstraint(
            ["agent_actor_id"], ["actors.id"], name=op.f("fk_unit_batches_agent_actor_id_actors")
        ),
        sa.ForeignKeyConstraint(
            ["bank_code"], ["banks.code"], name=op.f("fk_unit_batches_bank_code_banks")
        ),
        sa.ForeignKeyConstraint(
            ["city_code"], ["cities.code"], name=op.f("fk_unit_batches_city_code_cities")
        ),
        sa.ForeignKeyConstraint(
            ["outlet_id"], ["outlets.id"], name=op.f("fk_unit_batches_outlet_id_outlets")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_unit_batches_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_batches")),
        sa.UniqueConstraint("reference", name=op.f("uq_unit_batches_reference")),
    )
    op.create_index(op.f("ix_unit_batches_unit_id"), "unit_batches", ["unit_id"], unique=False)
    op.create_table(
        "unit_batch_rows",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "row_number",
            sa.Integer(),
            nullable=False,
            comment="the row in the uploaded file, 1-based",
        ),
        sa.Column("outcome", sa.String(length=16), nullable=False, comment="accepted | refused"),
        sa.Column("refusal_code", sa.String(length=48), nullable=True),
        sa.Column("refusal_field", sa.String(length=48), nullable=True),
        sa.Column("refusal_zh", sa.String(length=200), nullable=True),
        sa.Column("refusal_en", sa.String(length=200), nullable=True),
        sa.Column("name_masked", sa.String(length=64), nullable=True),
        sa.Column("number_masked", sa.String(length=32), nullable=True),
        sa.Column(
            "number_index",
            sa.String(length=64),
            nullable=True,
            comment="to match a corrected re-upload",
        ),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "photo_pending",
            sa.Boolean(),
            nullable=False,
            comment="the unit supplies the photo later",
        ),
        sa.Column(
            "row_enc",
            sa.LargeBinary(),
            nullable=True,
            comment="a refused row's cells as uploaded, sealed, for the result workbook to fix",
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_unit_batch_rows_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["unit_batches.id"], name=op.f("fk_unit_batch_rows_batch_id_unit_batches")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_unit_batch_rows_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_batch_rows")),
        sa.UniqueConstraint("application_id", name=op.f("uq_unit_batch_rows_application_id")),
        sa.UniqueConstraint("batch_id", "row_number", name="uq_unit_batch_rows_row"),
    )
    op.create_index(
        "ix_unit_batch_rows_number_index", "unit_batch_rows", ["number_index"], unique=False
    )
    op.create_index("ix_unit_batch_rows_person", "unit_batch_rows", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_unit_batch_rows_person", table_name="unit_batch_rows")
    op.drop_index("ix_unit_batch_rows_number_index", table_name="unit_batch_rows")
    op.drop_table("unit_batch_rows")
    op.drop_index(op.f("ix_unit_batches_unit_id"), table_name="unit_batches")
    op.drop_table("unit_batches")
    op.drop_index(op.f("ix_unit_agents_unit_id"), table_name="unit_agents")
    op.drop_table("unit_agents")
    op.drop_table("units")
