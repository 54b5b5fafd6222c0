"""The HR credit record (人社信用记录): entries that later business sees (SPEC REP-5, GOV-4)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table

from sscard.kernel.db import Id, UTCDateTime, metadata
from sscard.registry.credit.rules import NOTE_MAX

credit_records = Table(
    "credit_records",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False),
    Column("kind", String(48), nullable=False, comment="e.g. malicious_repeat_exchange"),
    Column("rule", String(16), nullable=False, comment="the SPEC rule, e.g. REP-5"),
    Column("note", String(NOTE_MAX), nullable=True, comment="free text, no personal numbers"),
    Column("recorded_by", Id, ForeignKey("actors.id"), nullable=True, comment="null: CLI"),
    Column("role", String(32), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("outlet_id", Id, ForeignKey("outlets.id"), nullable=True),
    Column("at", UTCDateTime, nullable=False),
)
Index("ix_credit_records_person_id_id", credit_records.c.person_id, credit_records.c.id)
