"""Tables of promotions (SPEC PRM-1): the offers, and each offer granted to a person."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

offers = Table(
    "offers",
    metadata,
    Column("code", String(24), primary_key=True),
    Column("name_zh", String(64), nullable=False),
    Column("name_en", String(64), nullable=False),
    Column("kind", String(24), nullable=False, comment="rules.OfferKind"),
    Column("sponsor", String(64), nullable=False, comment="who pays for it"),
    Column("trigger", String(32), nullable=False, comment="rules.Trigger"),
    Column("bank_code", String(16), ForeignKey("banks.code"), nullable=True),
    Column("city_code", String(4), ForeignKey("cities.code"), nullable=True),
    Column("value_fen", BigInteger, nullable=False, comment="the gift's or voucher's value"),
    Column("redeem_at", String(16), nullable=False, comment="rules.RedeemAt"),
    Column(
        "scene_kinds",
        JSON,
        nullable=False,
        comment="the scenes.rules.SceneKind values whose terminals redeem it; [] at a counter",
    ),
    Column("terms_zh", String(200), nullable=False),
    Column("terms_en", String(200), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_until", Date, nullable=True),
    Column("grant_limit", Integer, nullable=True, comment="the most that may be granted"),
    Column("updated_at", UTCDateTime, nullable=False),
)

offer_grants = Table(
    "offer_grants",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("offer_code", String(24), ForeignKey("offers.code"), nullable=False),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False),
    Column("card_id", Id, ForeignKey("cards.id"), nullable=False),
    Column("voucher_code", String(12), nullable=False, unique=True),
    Column("status", String(12), nullable=False, comment="rules.GrantStatus"),
    Column("granted_at", UTCDateTime, nullable=False),
    Column("redeemed_at", UTCDateTime, nullable=True),
    Column("redeemed_where", String(64), nullable=True, comment="outlet or scene code"),
    UniqueConstraint("offer_code", "person_id", name="uq_offer_grants_offer_person"),
)
Index("ix_offer_grants_person_id", offer_grants.c.person_id)
Index("ix_offer_grants_offer_status", offer_grants.c.offer_code, offer_grants.c.status)
