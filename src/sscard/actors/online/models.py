"""Real-name sign-in challenges and the online hall's sessions (issue 13 item 1)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table

from sscard.kernel.db import Id, UTCDateTime, metadata

online_sign_ins = Table(
    "online_sign_ins",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "challenge_index",
        String(64),
        nullable=False,
        unique=True,
        comment="HMAC-SM3 of the challenge token the browser or phone holds",
    ),
    Column(
        "person_id",
        Id,
        ForeignKey("persons.id"),
        nullable=True,
        comment="whom the details named; null: nobody (no code sent, refused as a wrong code)",
    ),
    Column("code_index", String(64), nullable=True, comment="HMAC-SM3 of challenge and code"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, comment="codes tried against it"),
    Column("used_at", UTCDateTime, nullable=True, comment="signed in with it: never again"),
    Index("ix_online_sign_ins_person_created", "person_id", "created_at"),
)

online_sessions = Table(
    "online_sessions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("token_index", String(64), nullable=False, unique=True, comment="HMAC-SM3 of the token"),
    Column("actor_id", Id, ForeignKey("actors.id"), nullable=False, comment="the cardholder"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("ended_reason", String(16), nullable=True, comment="signed_out, idle, expired"),
    Column(
        "family_binding_id",
        Id,
        ForeignKey("family_bindings.id"),
        nullable=True,
        comment="the binding the relative acts under for a dependant (ECARD-4); null: self",
    ),
    Index("ix_online_sessions_actor", "actor_id"),
)
