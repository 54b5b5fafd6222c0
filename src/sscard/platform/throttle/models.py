"""The knocks each client address made at a door, while they count (platform.throttle)."""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table

from sscard.kernel.db import Id, UTCDateTime, metadata

client_knocks = Table(
    "client_knocks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("door", String(32), nullable=False, comment="rules.Door"),
    Column(
        "client_index",
        String(64),
        nullable=False,
        comment="HMAC-SM3 of the client address (an address is personal data, never in clear)",
    ),
    Column("at", UTCDateTime(timezone=True), nullable=False),
    Index("ix_client_knocks_door_client_at", "door", "client_index", "at"),
)
