"""Tables of culture and tourism (SPEC CUL-1): tickets, readers, loans."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, ForeignKey, Index, String, Table, UniqueConstraint

from sscard.kernel.db import Id, UTCDateTime, metadata

scene_tickets = Table(
    "scene_tickets",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("operator_id", Id, ForeignKey("scene_operators.id"), nullable=False),
    Column("ticket_ref", String(40), nullable=False, comment="the scene's own ticket number"),
    Column(
        "person_id",
        Id,
        ForeignKey("persons.id"),
        nullable=False,
        comment="the holder: a ticket follows the person to a replaced card",
    ),
    Column("valid_on", Date, nullable=False),
    Column("price_fen", BigInteger, nullable=False),
    Column("sold_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
    Column("used_terminal_id", Id, ForeignKey("scene_terminals.id"), nullable=True),
    UniqueConstraint("operator_id", "ticket_ref", name="uq_scene_tickets_ref"),
)
Index(
    "ix_scene_tickets_person_day",
    scene_tickets.c.operator_id,
    scene_tickets.c.person_id,
    scene_tickets.c.valid_on,
)

library_readers = Table(
    "library_readers",
    metadata,
    Column("operator_id", Id, ForeignKey("scene_operators.id"), primary_key=True),
    Column("person_id", Id, ForeignKey("persons.id"), primary_key=True),
    Column("registered_at", UTCDateTime, nullable=False),
)

library_loans = Table(
    "library_loans",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("operator_id", Id, ForeignKey("scene_operators.id"), nullable=False),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False),
    Column("item_code", String(32), nullable=False, comment="the library's barcode of the item"),
    Column("lent_at", UTCDateTime, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("returned_at", UTCDateTime, nullable=True),
)
Index("ix_library_loans_person", library_loans.c.operator_id, library_loans.c.person_id)
# One loan of an item at a time: an item out cannot be lent again before it is returned.
Index(
    "uq_library_loans_item_out",
    library_loans.c.operator_id,
    library_loans.c.item_code,
    unique=True,
    sqlite_where=library_loans.c.returned_at.is_(None),
    postgresql_where=library_loans.c.returned_at.is_(None),
)
