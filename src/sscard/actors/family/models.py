"""Family bindings (SPEC ECARD-4): who may act for whom, on which proof, until when."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, LargeBinary, String, Table

from sscard.kernel.db import Id, UTCDateTime, metadata

family_bindings = Table(
    "family_bindings",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("relative_person_id", Id, ForeignKey("persons.id"), nullable=False, comment="who acts"),
    Column(
        "dependant_person_id",
        Id,
        ForeignKey("persons.id"),
        nullable=False,
        comment="for whom: a child under 16 or an elderly person",
    ),
    Column("kind", String(8), nullable=False, comment="child or elderly, at creation"),
    Column("relation", String(16), nullable=False, comment="what the relative is to them"),
    Column("proof", String(32), nullable=False, comment="the document shown for the relation"),
    Column("proof_reference_enc", LargeBinary, nullable=True, comment="its number, SM4 sealed"),
    Column("proof_reference_masked", String(32), nullable=True),
    Column("outlet_id", Id, ForeignKey("outlets.id"), nullable=False, comment="where checked"),
    Column("actor_id", Id, ForeignKey("actors.id"), nullable=True, comment="the clerk"),
    Column("created_at", UTCDateTime, nullable=False),
    Column(
        "ends_on",
        Date,
        nullable=True,
        comment="a child's 16th birthday, the first day it no longer works; null: until ended",
    ),
    Column("ended_at", UTCDateTime, nullable=True),
    Column(
        "ended_reason", String(16), nullable=True, comment="at_outlet, by_dependant, by_relative"
    ),
)
Index("ix_family_bindings_relative", family_bindings.c.relative_person_id)
Index("ix_family_bindings_dependant", family_bindings.c.dependant_person_id)
