"""How an online application's card reaches its holder (issue 13, SPEC APP-4, APP-1, ISS-3)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, LargeBinary, String, Table

from sscard.kernel.db import Id, UTCDateTime, metadata

deliveries = Table(
    "application_deliveries",
    metadata,
    Column("application_id", Id, ForeignKey("applications.id"), primary_key=True),
    Column(
        "mode", String(8), nullable=False, comment="ems: mailed, postage paid on delivery; outlet"
    ),
    Column(
        "collection_outlet_id",
        Id,
        ForeignKey("outlets.id"),
        nullable=True,
        comment="mode outlet: where the card is collected, in any Jiangsu city (APP-1)",
    ),
    Column("province", String(16), nullable=True, comment="mode ems: address, province"),
    Column("city", String(32), nullable=True, comment="mode ems: address, city"),
    Column("district", String(32), nullable=True, comment="mode ems: address, district or county"),
    Column("detail_enc", LargeBinary, nullable=True, comment="street and number, SM4 sealed"),
    Column("detail_masked", String(64), nullable=True),
    Column("recipient_enc", LargeBinary, nullable=True, comment="recipient's name, sealed"),
    Column("recipient_masked", String(64), nullable=True),
    Column("phone_enc", LargeBinary, nullable=True, comment="recipient's phone, sealed"),
    Column("phone_masked", String(16), nullable=True),
    Column("tracking_number", String(32), nullable=True, comment="EMS waybill number"),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("returned_at", UTCDateTime, nullable=True, comment="last time EMS brought it back"),
)
Index("ix_application_deliveries_tracking", deliveries.c.tracking_number, unique=True)
