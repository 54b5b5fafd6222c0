"""Tables of the application lists (SPEC YRD-2): each published version and what it includes."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from sscard.kernel.db import Id, UTCDateTime, metadata

application_lists = Table(
    "application_lists",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("scope", String(8), nullable=False, comment="lists.ListScope: delta, province, city"),
    Column("city_code", String(4), ForeignKey("cities.code"), nullable=True),
    Column("version", Integer, nullable=False, comment="2 on; version 1 ships with sscard"),
    Column("effective_from", Date, nullable=False),
    Column("note", String(200), nullable=False),
    Column("published_at", UTCDateTime, nullable=False),
    Column("published_by", Id, ForeignKey("actors.id"), nullable=True),
    UniqueConstraint("scope", "city_code", "version", name="uq_application_lists_version"),
)
Index(
    "ix_application_lists_scope",
    application_lists.c.scope,
    application_lists.c.city_code,
    application_lists.c.effective_from,
)

application_list_entries = Table(
    "application_list_entries",
    metadata,
    Column("list_id", Id, ForeignKey("application_lists.id"), primary_key=True),
    Column("scene_use", String(16), primary_key=True),
    Column("scene_kind", String(24), primary_key=True),
)
