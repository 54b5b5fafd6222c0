"""transport clearing files: what readers debited off line, uploaded by the operator, each
line with its outcome

Issue 15 item 3 (SPEC TRN-1, TRN-3).

Revision ID: e3f4a5b6c7d9
Revises: d2e3f4a5b6c8
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.kernel.db import Id, UTCDateTime

revision: str = "e3f4a5b6c7d9"
down_revision: str | None = "d2e3f4a5b6c8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "transport_clearing_files",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("operator_id", Id, sa.ForeignKey("scene_operators.id"), nullable=False),
        sa.Column(
            "reference", sa.String(40), nullable=False, comment="the operator's: one file each"
        ),
        sa.Column(
            "content_hash", sa.String(64), nullable=False, comment="same reference, other lines"
        ),
        sa.Column("terminal_id", Id, sa.ForeignKey("scene_terminals.id"), nullable=False),
        sa.Column("line_count", sa.Integer, nullable=False),
        sa.Column("uploaded_at", Moment, nullable=False),
        sa.UniqueConstraint(
            "operator_id", "reference", name="uq_transport_clearing_files_reference"
        ),
    )
    op.create_table(
        "transport_clearing_lines",
        sa.Column("file_id", Id, sa.ForeignKey("transport_clearing_files.id"), nullable=False),
        sa.Column("line_no", sa.Integer, nullable=False),
        sa.Column("terminal_id", Id, nullable=False, comment="the reader that debited the card"),
        sa.Column("terminal_seq", sa.BigInteger, nullable=False),
        sa.Column("card_number", sa.String(9), nullable=False),
        sa.Column(
            "counter", sa.Integer, nullable=False, comment="the card's counter after the debit"
        ),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("fare_fen", sa.BigInteger, nullable=False, comment="the full fare"),
        sa.Column("used_at", Moment, nullable=False),
        sa.Column("city_code", sa.String(4), nullable=False, comment="the reader's city"),
        sa.Column("purse_id", Id, nullable=True),
        sa.Column("card_city_code", sa.String(4), nullable=True),
        sa.Column("charged_fen", sa.BigInteger, nullable=True, comment="after the city's discount"),
        sa.Column("balance_after_fen", sa.BigInteger, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False, comment="rules.LineOutcome"),
        sa.Column(
            "gap", sa.Integer, nullable=False, comment="counters unseen just before this one"
        ),
        sa.PrimaryKeyConstraint("file_id", "line_no", name="pk_transport_clearing_lines"),
    )
    op.create_index(
        "ix_transport_clearing_lines_file_outcome",
        "transport_clearing_lines",
        ["file_id", "outcome"],
    )


def downgrade() -> None:
    op.drop_table("transport_clearing_lines")
    op.drop_table("transport_clearing_files")
