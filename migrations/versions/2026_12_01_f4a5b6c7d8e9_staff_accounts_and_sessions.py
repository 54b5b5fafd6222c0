"""staff accounts and console sessions: argon2id passwords, TOTP, lockout

The staff console (issue 12) signs people in with a password and a TOTP code (GB/T 22239-2019
level 3, 8.1.4.1). Each account acts as one actor (role and organisation, SPEC CH-1); the
session cookie is stored only as its HMAC-SM3 index.

Revision ID: f4a5b6c7d8e9
Revises: e3f4a5b6c7d8
Create Date: 2026-12-01 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.kernel.db import Id, UTCDateTime

revision: str = "f4a5b6c7d8e9"
down_revision: str | None = "e3f4a5b6c7d8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "username", sa.String(32), nullable=False, unique=True, comment="sign-in name, ASCII"
        ),
        sa.Column(
            "actor_id",
            Id,
            sa.ForeignKey("actors.id"),
            nullable=False,
            unique=True,
            comment="the actor whose role and organisation the account acts as (SPEC CH-1)",
        ),
        sa.Column("password_hash", sa.String(256), nullable=False, comment="argon2id PHC string"),
        sa.Column(
            "must_change_password",
            sa.Boolean(),
            nullable=False,
            comment="set by creation and reset: the first sign-in sets a password of one's own",
        ),
        sa.Column(
            "totp_secret_enc",
            sa.LargeBinary(),
            nullable=True,
            comment="SM4-GCM sealed base32 secret",
        ),
        sa.Column(
            "totp_enrolled",
            sa.Boolean(),
            nullable=False,
            comment="the secret was confirmed by a code",
        ),
        sa.Column(
            "totp_last_step",
            sa.Integer(),
            nullable=True,
            comment="30-second step of the last code taken",
        ),
        sa.Column(
            "failed_attempts",
            sa.Integer(),
            nullable=False,
            comment="wrong passwords or codes in a row",
        ),
        sa.Column("locked_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "token_index",
            sa.String(64),
            nullable=False,
            unique=True,
            comment="HMAC-SM3 of the cookie",
        ),
        sa.Column("account_id", Id, sa.ForeignKey("staff_accounts.id"), nullable=False),
        sa.Column(
            "stage",
            sa.String(16),
            nullable=False,
            comment="password: second factor pending; signed_in: both factors given",
        ),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "ended_reason",
            sa.String(16),
            nullable=True,
            comment="signed_out, idle, expired, reset",
        ),
    )
    op.create_index("ix_staff_sessions_account", "staff_sessions", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_sessions_account", "staff_sessions")
    op.drop_table("staff_sessions")
    op.drop_table("staff_accounts")
