"""The ecard password: argon2id of the peppered PIN and the wrong tries that lock it (PWD-3)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table

from sscard.kernel.db import Id, UTCDateTime, metadata

ecard_passwords = Table(
    "ecard_passwords",
    metadata,
    Column("ecard_id", Id, ForeignKey("ecards.id"), primary_key=True),
    Column("password_hash", String(255), nullable=False, comment="argon2id of the peppered PIN"),
    Column("failed_attempts", Integer, nullable=False, comment="wrong tries in a row (PWD-3)"),
    Column("locked_at", UTCDateTime, nullable=True),
    Column("set_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
