"""delta exchange: the other provinces' nodes, the Jiangsu cards each follows, their request
ids and the questions both ways; scene uses of other provinces' cards

Issue 14 item 12 (SPEC YRD-1..3).

Revision ID: e7f8a9b0c1d3
Revises: d6e7f8a9b0c2
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.kernel.db import Id, UTCDateTime

revision: str = "e7f8a9b0c1d3"
down_revision: str | None = "d6e7f8a9b0c2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "delta_nodes",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("province_code", sa.String(2), nullable=False, unique=True, comment="GB/T 2260"),
        sa.Column("base_url", sa.String(256), nullable=False, comment="where sscard asks the node"),
        sa.Column(
            "actor_id",
            Id,
            sa.ForeignKey("actors.id"),
            nullable=False,
            unique=True,
            comment="the node's token when it asks sscard (role delta_node)",
        ),
        sa.Column("secret_enc", sa.LargeBinary, nullable=False, comment="HMAC-SM3, SM4 sealed"),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("linked_at", Moment, nullable=False),
    )
    op.create_table(
        "delta_followed_cards",
        sa.Column("node_id", Id, sa.ForeignKey("delta_nodes.id"), primary_key=True),
        sa.Column("card_id", Id, sa.ForeignKey("cards.id"), primary_key=True),
        sa.Column("first_asked_at", Moment, nullable=False),
        sa.Column("last_asked_at", Moment, nullable=False, comment="followed a year after this"),
    )
    op.create_index("ix_delta_followed_cards_card", "delta_followed_cards", ["card_id"])
    op.create_table(
        "delta_requests",
        sa.Column("node_id", Id, sa.ForeignKey("delta_nodes.id"), primary_key=True),
        sa.Column("request_id", sa.String(64), primary_key=True, comment="the node's own, once"),
        sa.Column("seen_at", Moment, nullable=False, comment="kept a day, then pruned"),
    )
    op.create_index("ix_delta_requests_seen_at", "delta_requests", ["seen_at"])
    op.create_table(
        "delta_questions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("node_id", Id, sa.ForeignKey("delta_nodes.id"), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False, comment="asked_us | we_asked"),
        sa.Column("use", sa.String(16), nullable=False),
        sa.Column(
            "card_id",
            Id,
            sa.ForeignKey("cards.id"),
            nullable=True,
            comment="a Jiangsu card asked",
        ),
        sa.Column("answer_code", sa.String(32), nullable=False, comment="ok or the refusal's code"),
        sa.Column("at", Moment, nullable=False),
    )
    op.create_index("ix_delta_questions_at", "delta_questions", ["at"])
    with op.batch_alter_table("scene_use_events") as batch:
        batch.add_column(
            sa.Column(
                "card_province_code",
                sa.String(2),
                nullable=True,
                comment="another delta province's card (31, 33, 34); null for Jiangsu's",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("scene_use_events") as batch:
        batch.drop_column("card_province_code")
    op.drop_index("ix_delta_questions_at", "delta_questions")
    op.drop_table("delta_questions")
    op.drop_index("ix_delta_requests_seen_at", "delta_requests")
    op.drop_table("delta_requests")
    op.drop_index("ix_delta_followed_cards_card", "delta_followed_cards")
    op.drop_table("delta_followed_cards")
    op.drop_table("delta_nodes")
