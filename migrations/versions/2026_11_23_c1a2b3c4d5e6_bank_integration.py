"""bank integration: outbox delivery state, endpoints, bank inbox, reconciliation

Revision ID: c1a2b3c4d5e6
Revises: c1a2b3c4d5e5
Create Date: 2026-11-23 18:00:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "c1a2b3c4d5e6"
down_revision: str | None = "c1a2b3c4d5e5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AT = sscard.kernel.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    _outbox()
    with op.batch_alter_table("cards") as batch:
        batch.add_column(
            sa.Column(
                "account_index",
                sa.String(64),
                nullable=True,
                comment="HMAC-SM3 of the account number",
            )
        )
        batch.create_index("ix_cards_bank_code_account_index", ["bank_code", "account_index"])
    _endpoints()
    _inbox()
    _reconciliation()


def _outbox() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("message_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("status", sa.String(16), nullable=True))
        batch.add_column(sa.Column("next_attempt_at", AT, nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(256), nullable=True))
        batch.drop_index("ix_outbox_delivered_at_id")
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id FROM outbox")).scalars().all()
    for row_id in rows:
        conn.execute(
            sa.text("UPDATE outbox SET message_id = :m WHERE id = :i"),
            {"m": str(uuid.uuid4()), "i": row_id},
        )
    op.execute(
        "UPDATE outbox SET status = CASE WHEN delivered_at IS NULL THEN 'pending' "
        "ELSE 'delivered' END, next_attempt_at = created_at"
    )
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column(
            "message_id", nullable=False, existing_type=sa.String(36), comment="receiver dedupes"
        )
        batch.alter_column(
            "status",
            nullable=False,
            existing_type=sa.String(16),
            comment="pending | delivered | failed",
        )
        batch.alter_column("next_attempt_at", nullable=False, existing_type=AT)
        batch.create_unique_constraint("uq_outbox_message_id", ["message_id"])
        batch.create_index("ix_outbox_recipient_status_id", ["recipient", "status", "id"])
        batch.create_index("ix_outbox_ordering_key_id", ["ordering_key", "id"])


def _endpoints() -> None:
    op.create_table(
        "delivery_endpoints",
        sa.Column("recipient", sa.String(32), primary_key=True, comment="bank code or other party"),
        sa.Column("transport", sa.String(8), nullable=False, comment="http | nats"),
        sa.Column("url", sa.String(256), nullable=False, comment="webhook URL, or broker subject"),
        sa.Column(
            "statement_url",
            sa.String(256),
            nullable=True,
            comment="the bank's status statement",
        ),
        sa.Column(
            "secret_enc",
            sa.LargeBinary(),
            nullable=False,
            comment="HMAC-SM3 signing key, encrypted",
        ),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("paused_until", AT, nullable=True, comment="backoff while unreachable"),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(256), nullable=True),
        sa.Column(
            "lease_owner", sa.String(64), nullable=True, comment="the one dispatcher sending now"
        ),
        sa.Column("lease_until", AT, nullable=True),
        sa.Column("updated_at", AT, nullable=False),
    )


def _inbox() -> None:
    op.create_table(
        "bank_inbox",
        sa.Column("bank_code", sa.String(16), sa.ForeignKey("banks.code"), primary_key=True),
        sa.Column(
            "message_id", sa.String(64), primary_key=True, comment="the bank's id: dedupe key"
        ),
        sa.Column("card_id", ID, sa.ForeignKey("cards.id"), nullable=False),
        sa.Column(
            "sequence", sa.BigInteger(), nullable=False, comment="the bank's count for the card"
        ),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column(
            "payload", sa.JSON(), nullable=False, comment="the report without the account number"
        ),
        sa.Column("account_number_enc", sa.LargeBinary(), nullable=True),
        sa.Column(
            "request_hash",
            sa.String(64),
            nullable=False,
            comment="same id, other body: refused",
        ),
        sa.Column("status", sa.String(16), nullable=False, comment="applied | deferred | rejected"),
        sa.Column(
            "result_code", sa.String(64), nullable=True, comment="the refusal's code if rejected"
        ),
        sa.Column("received_at", AT, nullable=False),
        sa.Column("applied_at", AT, nullable=True),
        sa.UniqueConstraint("bank_code", "card_id", "sequence", name="uq_bank_inbox_card_sequence"),
    )
    op.create_index("ix_bank_inbox_status_received_at", "bank_inbox", ["status", "received_at"])
    op.create_table(
        "bank_card_sequences",
        sa.Column("bank_code", sa.String(16), sa.ForeignKey("banks.code"), primary_key=True),
        sa.Column("card_id", ID, sa.ForeignKey("cards.id"), primary_key=True),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", AT, nullable=False),
    )


def _reconciliation() -> None:
    op.create_table(
        "reconciliation_runs",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("bank_code", sa.String(16), sa.ForeignKey("banks.code"), nullable=False),
        sa.Column("source", sa.String(16), nullable=False, comment="api | file"),
        sa.Column("as_of", AT, nullable=False, comment="the bank's statement moment"),
        sa.Column("status", sa.String(16), nullable=False, comment="running | finished | failed"),
        sa.Column("bank_rows", sa.Integer(), nullable=False),
        sa.Column("registry_rows", sa.Integer(), nullable=False),
        sa.Column("differences", sa.Integer(), nullable=False),
        sa.Column("repaired", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("actor_id", ID, sa.ForeignKey("actors.id"), nullable=True),
        sa.Column("started_at", AT, nullable=False),
        sa.Column("finished_at", AT, nullable=True),
    )
    op.create_index(
        "ix_reconciliation_runs_bank_code_id", "reconciliation_runs", ["bank_code", "id"]
    )
    op.create_table(
        "reconciliation_lines",
        sa.Column("run_id", ID, sa.ForeignKey("reconciliation_runs.id"), primary_key=True),
        sa.Column("card_number", sa.String(9), primary_key=True),
        sa.Column(
            "account_index",
            sa.String(64),
            nullable=True,
            comment="HMAC-SM3 of the account number",
        ),
        sa.Column("account_masked", sa.String(32), nullable=True),
        sa.Column("financial_status", sa.String(32), nullable=False),
    )
    op.create_table(
        "reconciliation_differences",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("run_id", ID, sa.ForeignKey("reconciliation_runs.id"), nullable=False),
        sa.Column("card_number", sa.String(9), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("registry_value", sa.String(64), nullable=True),
        sa.Column("bank_value", sa.String(64), nullable=True),
        sa.Column("repair", sa.String(16), nullable=False, comment="repaired | resent | manual"),
        sa.Column("detail", sa.String(256), nullable=True),
    )
    op.create_index(
        "ix_reconciliation_differences_run_id", "reconciliation_differences", ["run_id"]
    )


def downgrade() -> None:
    for table in (
        "reconciliation_differences",
        "reconciliation_lines",
        "reconciliation_runs",
        "bank_card_sequences",
        "bank_inbox",
        "delivery_endpoints",
    ):
        op.drop_table(table)
    with op.batch_alter_table("cards") as batch:
        batch.drop_index("ix_cards_bank_code_account_index")
        batch.drop_column("account_index")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_ordering_key_id")
        batch.drop_index("ix_outbox_recipient_status_id")
        batch.drop_constraint("uq_outbox_message_id", type_="unique")
        for column in ("last_error", "next_attempt_at", "status", "message_id"):
            batch.drop_column(column)
        batch.create_index("ix_outbox_delivered_at_id", ["delivered_at", "id"])
