"""Staff accounts and their console sessions (issue 12; GB/T 22239-2019 level 3, 8.1.4.1)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, LargeBinary, String, Table

from sscard.kernel.db import Id, UTCDateTime, metadata

staff_accounts = Table(
    "staff_accounts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("username", String(32), nullable=False, unique=True, comment="sign-in name, ASCII"),
    Column(
        "actor_id",
        Id,
        ForeignKey("actors.id"),
        nullable=False,
        unique=True,
        comment="the actor whose role and organisation the account acts as (SPEC CH-1)",
    ),
    Column("password_hash", String(256), nullable=False, comment="argon2id PHC string"),
    Column(
        "must_change_password",
        Boolean,
        nullable=False,
        comment="set by creation and reset: the first sign-in sets a password of one's own",
    ),
    Column("totp_secret_enc", LargeBinary, nullable=True, comment="SM4-GCM sealed base32 secret"),
    Column("totp_enrolled", Boolean, nullable=False, comment="the secret was confirmed by a code"),
    Column(
        "totp_last_step", Integer, nullable=True, comment="30-second step of the last code taken"
    ),
    Column("failed_attempts", Integer, nullable=False, comment="wrong passwords or codes in a row"),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("password_changed_at", UTCDateTime, nullable=False),
)

staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "token_index", String(64), nullable=False, unique=True, comment="HMAC-SM3 of the cookie"
    ),
    Column("account_id", Id, ForeignKey("staff_accounts.id"), nullable=False),
    Column(
        "stage",
        String(16),
        nullable=False,
        comment="password: second factor pending; signed_in: both factors given",
    ),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("ended_reason", String(16), nullable=True, comment="signed_out, idle, expired, reset"),
    Index("ix_staff_sessions_account", "account_id"),
)
