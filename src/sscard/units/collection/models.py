"""Collection by the unit (SPEC ISS-3, APP-3): a batch's cards handed over to the unit's agent at
the outlet, or sent by logistics, one line per card on the distribution list (单位发放明细表),
and what the signed list says became of each card."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from sscard.kernel.db import Id, UTCDateTime, metadata

handovers = Table(
    "unit_handovers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("reference", String(32), nullable=False, unique=True, comment="FF + city + date + seq"),
    Column("batch_id", Id, ForeignKey("unit_batches.id"), nullable=False, index=True),
    Column("outlet_id", Id, ForeignKey("outlets.id"), nullable=False),
    Column("mode", String(16), nullable=False, comment="unit_agent | logistics (APP-3)"),
    Column(
        "agent_id",
        Id,
        ForeignKey("unit_agents.id"),
        nullable=True,
        comment="the named agent whose document was checked (ISS-4); none for logistics",
    ),
    Column("carrier", String(64), nullable=True, comment="logistics: the carrier"),
    Column("waybill", String(64), nullable=True, comment="logistics: the waybill number"),
    Column("status", String(16), nullable=False, comment="with_unit | delivered | closed"),
    Column("cards_total", Integer, nullable=False),
    Column("handed_at", UTCDateTime, nullable=False),
    Column("handed_by", Id, ForeignKey("actors.id"), nullable=True),
    Column("delivered_at", UTCDateTime, nullable=True, comment="logistics: delivered to the unit"),
    Column("closed_at", UTCDateTime, nullable=True, comment="every card's outcome recorded"),
)

handover_cards = Table(
    "unit_handover_cards",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("handover_id", Id, ForeignKey("unit_handovers.id"), nullable=False),
    Column("line", Integer, nullable=False, comment="the line on the distribution list, 1-based"),
    Column("application_id", Id, ForeignKey("applications.id"), nullable=False),
    Column("card_id", Id, ForeignKey("cards.id"), nullable=False),
    Column(
        "outcome",
        String(24),
        nullable=True,
        comment="distributed | returned_to_stock; none while the card is with the unit",
    ),
    Column("recorded_at", UTCDateTime, nullable=True),
    Column("recorded_by", Id, ForeignKey("actors.id"), nullable=True),
    UniqueConstraint("handover_id", "application_id", name="uq_unit_handover_cards_application"),
    UniqueConstraint("handover_id", "line", name="uq_unit_handover_cards_line"),
)
Index("ix_unit_handover_cards_application", handover_cards.c.application_id)
