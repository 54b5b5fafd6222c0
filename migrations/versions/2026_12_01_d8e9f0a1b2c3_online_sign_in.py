"""online_sign_ins and online_sessions: real-name sign-in to the online hall (issue 13, APP-4)

Revision ID: d8e9f0a1b2c3
Revises: c7d8e9f0a1b2
Create Date: 2026-12-01 06:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.kernel.db import Id, UTCDateTime

revision: str = "d8e9f0a1b2c3"
down_revision: str | None = "c7d8e9f0a1b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "online_sign_ins",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "challenge_index",
            sa.String(64),
            nullable=False,
            comment="HMAC-SM3 of the challenge token the browser or phone holds",
        ),
        sa.Column(
            "person_id",
            Id,
            sa.ForeignKey("persons.id", name="fk_online_sign_ins_person_id_persons"),
            nullable=True,
            comment="whom the details named; null: nobody (no code sent, refused as a wrong code)",
        ),
        sa.Column(
            "code_index", sa.String(64), nullable=True, comment="HMAC-SM3 of challenge and code"
        ),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, comment="codes tried against it"),
        sa.Column("used_at", UTCDateTime, nullable=True, comment="signed in with it: never again"),
        sa.UniqueConstraint("challenge_index", name="uq_online_sign_ins_challenge_index"),
    )
    op.create_index(
        "ix_online_sign_ins_person_created", "online_sign_ins", ["person_id", "created_at"]
    )
    op.create_table(
        "online_sessions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("token_index", sa.String(64), nullable=False, comment="HMAC-SM3 of the token"),
        sa.Column(
            "actor_id",
            Id,
            sa.ForeignKey("actors.id", name="fk_online_sessions_actor_id_actors"),
            nullable=False,
            comment="the cardholder",
        ),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("last_seen_at", UTCDateTime, nullable=False),
        sa.Column("ended_at", UTCDateTime, nullable=True),
        sa.Column(
            "ended_reason", sa.String(16), nullable=True, comment="signed_out, idle, expired"
        ),
        sa.UniqueConstraint("token_index", name="uq_online_sessions_token_index"),
    )
    op.create_index("ix_online_sessions_actor", "online_sessions", ["actor_id"])


def downgrade() -> None:
    op.drop_index("ix_online_sessions_actor", table_name="online_sessions")
    op.drop_table("online_sessions")
    op.drop_index("ix_online_sign_ins_person_created", table_name="online_sign_ins")
    op.drop_table("online_sign_ins")
