"""The service's own key-value settings (the adjustable clock's offset lives here)."""

from __future__ import annotations

from sqlalchemy import Column, String, Table, Text

from sscard.kernel.db import metadata

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
