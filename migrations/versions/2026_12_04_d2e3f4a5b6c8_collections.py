"""collections by mandate: payees, holders' mandates and the debits asked under them

Issue 15 item 10 (SPEC PAY-1).

Revision ID: d2e3f4a5b6c8
Revises: c1d2e3f4a5b7
Create Date: 2026-12-04 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.kernel.db import Id, UTCDateTime

revision: str = "d2e3f4a5b6c8"
down_revision: str | None = "c1d2e3f4a5b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payees",
        sa.Column("code", sa.String(16), primary_key=True, comment="e.g. 3204-WATER"),
        sa.Column("name_zh", sa.String(64), nullable=False),
        sa.Column("name_en", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False, comment="rules.CollectionKind"),
        sa.Column("actor_id", Id, sa.ForeignKey("actors.id"), nullable=False, unique=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("registered_at", Moment, nullable=False),
    )
    op.create_table(
        "mandates",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "reference", sa.String(24), nullable=False, unique=True, comment="MD<date><serial>"
        ),
        sa.Column("person_id", Id, sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("payee_code", sa.String(16), sa.ForeignKey("payees.code"), nullable=False),
        sa.Column(
            "customer_number", sa.String(32), nullable=False, comment="the holder's at the payee"
        ),
        sa.Column(
            "max_amount_fen", sa.BigInteger, nullable=False, comment="the most one debit takes"
        ),
        sa.Column("status", sa.String(8), nullable=False, comment="rules.MandateStatus"),
        sa.Column("signed_at", Moment, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("revoked_at", Moment, nullable=True),
        sa.CheckConstraint("max_amount_fen > 0", name="ck_mandates_positive"),
    )
    op.create_index("ix_mandates_person_id_status", "mandates", ["person_id", "status"])
    op.create_index(
        "ix_mandates_payee_customer", "mandates", ["payee_code", "customer_number", "person_id"]
    )
    op.create_table(
        "debits",
        sa.Column("id", Id, primary_key=True, autoincrement=True, comment="the debit_id banks see"),
        sa.Column("payee_code", sa.String(16), sa.ForeignKey("payees.code"), nullable=False),
        sa.Column(
            "payee_reference", sa.String(40), nullable=False, comment="the payee's: one debit"
        ),
        sa.Column("mandate_id", Id, sa.ForeignKey("mandates.id"), nullable=False),
        sa.Column("person_id", Id, sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("card_id", Id, sa.ForeignKey("cards.id"), nullable=True, comment="debited from"),
        sa.Column("bank_code", sa.String(16), nullable=True),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("period", sa.String(7), nullable=False, comment="YYYY-MM"),
        sa.Column("status", sa.String(12), nullable=False, comment="rules.DebitStatus"),
        sa.Column(
            "reason", sa.String(64), nullable=True, comment="refused: sscard's or the bank's"
        ),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("answered_at", Moment, nullable=True),
        sa.UniqueConstraint("payee_code", "payee_reference", name="uq_debits_payee_reference"),
        sa.CheckConstraint("amount_fen > 0", name="ck_debits_positive"),
    )
    op.create_index("ix_debits_person_id", "debits", ["person_id"])
    op.create_index("ix_debits_mandate_id", "debits", ["mandate_id"])
    op.create_index("ix_debits_status_created_at", "debits", ["status", "created_at"])


def downgrade() -> None:
    op.drop_table("debits")
    op.drop_table("mandates")
    op.drop_table("payees")
