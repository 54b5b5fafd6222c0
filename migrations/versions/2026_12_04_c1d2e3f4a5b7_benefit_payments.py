"""benefit payments: payers, their batches, every payment and the credit instructions

Issue 15 items 6-9 (SPEC PAY-1..3, ISS-6, REP-3).

Revision ID: c1d2e3f4a5b7
Revises: b0c1d2e3f4a6
Create Date: 2026-12-04 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.kernel.db import Id, UTCDateTime

revision: str = "c1d2e3f4a5b7"
down_revision: str | None = "b0c1d2e3f4a6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payers",
        sa.Column("code", sa.String(16), primary_key=True, comment="e.g. JS-PENSION"),
        sa.Column("name_zh", sa.String(64), nullable=False),
        sa.Column("name_en", sa.String(64), nullable=False),
        sa.Column("kinds", sa.JSON, nullable=False, comment="the rules.PaymentKind values it pays"),
        sa.Column("actor_id", Id, sa.ForeignKey("actors.id"), nullable=False, unique=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("registered_at", Moment, nullable=False),
    )
    op.create_table(
        "payment_batches",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("payer_code", sa.String(16), sa.ForeignKey("payers.code"), nullable=False),
        sa.Column(
            "reference", sa.String(40), nullable=False, comment="the payer's: one batch each"
        ),
        sa.Column(
            "content_hash", sa.String(64), nullable=False, comment="same reference, other lines"
        ),
        sa.Column("source", sa.String(8), nullable=False, comment="api | file"),
        sa.Column("line_count", sa.Integer, nullable=False),
        sa.Column("total_fen", sa.BigInteger, nullable=False),
        sa.Column("submitted_at", Moment, nullable=False),
        sa.Column("actor_id", Id, sa.ForeignKey("actors.id"), nullable=True),
        sa.UniqueConstraint("payer_code", "reference", name="uq_payment_batches_payer_reference"),
    )
    op.create_table(
        "payments",
        sa.Column(
            "id", Id, primary_key=True, autoincrement=True, comment="the payment_id banks see"
        ),
        sa.Column("batch_id", Id, sa.ForeignKey("payment_batches.id"), nullable=False),
        sa.Column("line_no", sa.Integer, nullable=False),
        sa.Column("payer_code", sa.String(16), nullable=False),
        sa.Column(
            "payer_reference", sa.String(40), nullable=False, comment="the payer's: paid once"
        ),
        sa.Column(
            "ssn_index", sa.String(64), nullable=False, comment="HMAC-SM3 of the number sent"
        ),
        sa.Column("ssn_masked", sa.String(32), nullable=False),
        sa.Column("person_id", Id, sa.ForeignKey("persons.id"), nullable=True),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("period", sa.String(7), nullable=False, comment="YYYY-MM"),
        sa.Column("status", sa.String(12), nullable=False, comment="rules.PaymentStatus"),
        sa.Column("reason", sa.String(24), nullable=True, comment="rules.Reason: held or returned"),
        sa.Column("card_id", Id, sa.ForeignKey("cards.id"), nullable=True, comment="routed to"),
        sa.Column("bank_code", sa.String(16), nullable=True),
        sa.Column("instruction_id", sa.String(48), nullable=True),
        sa.Column("bank_reason", sa.String(64), nullable=True, comment="the bank's refusal code"),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
        sa.Column("answered_at", Moment, nullable=True),
        sa.UniqueConstraint("payer_code", "payer_reference", name="uq_payments_payer_reference"),
        sa.CheckConstraint("amount_fen > 0", name="ck_payments_positive"),
    )
    op.create_index("ix_payments_batch_id_status", "payments", ["batch_id", "status"])
    op.create_index("ix_payments_person_id_status", "payments", ["person_id", "status"])
    op.create_index("ix_payments_instruction_id", "payments", ["instruction_id"])
    op.create_index("ix_payments_status_kind", "payments", ["status", "kind"])
    op.create_table(
        "credit_instructions",
        sa.Column(
            "id",
            sa.String(48),
            primary_key=True,
            comment="CB-<batch>-<bank>-<n> or CR-<payment>",
        ),
        sa.Column("bank_code", sa.String(16), sa.ForeignKey("banks.code"), nullable=False),
        sa.Column("batch_id", Id, sa.ForeignKey("payment_batches.id"), nullable=True),
        sa.Column("payment_count", sa.Integer, nullable=False),
        sa.Column("total_fen", sa.BigInteger, nullable=False),
        sa.Column("answered_count", sa.Integer, nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("completed_at", Moment, nullable=True, comment="every payment answered"),
    )
    op.create_index(
        "ix_credit_instructions_bank_code_completed_at",
        "credit_instructions",
        ["bank_code", "completed_at"],
    )


def downgrade() -> None:
    op.drop_table("credit_instructions")
    op.drop_table("payments")
    op.drop_table("payment_batches")
    op.drop_table("payers")
