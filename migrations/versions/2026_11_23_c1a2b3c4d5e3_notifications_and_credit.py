"""notification outbox and HR credit record (REP-5)

Revision ID: c1a2b3c4d5e3
Revises: c1a2b3c4d5e2
Create Date: 2026-11-23 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "c1a2b3c4d5e3"
down_revision: str | None = "c1a2b3c4d5e2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False, comment="sms (app push later)"),
        sa.Column(
            "template",
            sa.String(length=64),
            nullable=False,
            comment="template code, rendered on delivery",
        ),
        sa.Column(
            "params", sa.JSON(), nullable=False, comment="template values; never personal data"
        ),
        sa.Column(
            "status",
            sa.String(length=16),
            nullable=False,
            comment="pending | sending | sent | failed | dead | undeliverable",
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "next_attempt_at",
            sscard.kernel.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="not claimed before this",
        ),
        sa.Column("claimed_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "claim",
            sa.String(length=32),
            nullable=True,
            comment="the delivery pass holding the row",
        ),
        sa.Column("sent_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "last_error",
            sa.String(length=64),
            nullable=True,
            comment="class name of the last failure",
        ),
        sa.Column(
            "recipient_masked",
            sa.String(length=16),
            nullable=True,
            comment="masked phone it went to",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_notifications_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_status_next_attempt_at_id",
            ["status", "next_attempt_at", "id"],
            unique=False,
        )
        batch_op.create_index("ix_notifications_person_id", ["person_id"], unique=False)

    op.create_table(
        "credit_records",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column(
            "kind",
            sa.String(length=48),
            nullable=False,
            comment="e.g. malicious_repeat_exchange",
        ),
        sa.Column(
            "rule", sa.String(length=16), nullable=False, comment="the SPEC rule, e.g. REP-5"
        ),
        sa.Column(
            "note",
            sa.String(length=500),
            nullable=True,
            comment="free text, no personal numbers",
        ),
        sa.Column("recorded_by", ID, nullable=True, comment="null: CLI"),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("outlet_id", ID, nullable=True),
        sa.Column("at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_credit_records_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["actors.id"], name=op.f("fk_credit_records_recorded_by_actors")
        ),
        sa.ForeignKeyConstraint(
            ["outlet_id"], ["outlets.id"], name=op.f("fk_credit_records_outlet_id_outlets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_records")),
    )
    with op.batch_alter_table("credit_records", schema=None) as batch_op:
        batch_op.create_index("ix_credit_records_person_id_id", ["person_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("credit_records", schema=None) as batch_op:
        batch_op.drop_index("ix_credit_records_person_id_id")
    op.drop_table("credit_records")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_person_id")
        batch_op.drop_index("ix_notifications_status_next_attempt_at_id")
    op.drop_table("notifications")
