"""Tables of the transport wallet (SPEC TRN-1..4): one purse per card that loaded the function,
its top-ups in two steps, and its ledger of writes to the card by transaction counter."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

transport_purses = Table(
    "transport_purses",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("card_id", Id, ForeignKey("cards.id"), nullable=False, unique=True),
    Column(
        "city_code",
        String(4),
        ForeignKey("cities.code"),
        nullable=False,
        comment="where it was loaded: the cap is that city's (TRN-2)",
    ),
    Column("balance_fen", BigInteger, nullable=False, comment="confirmed writes only"),
    Column("last_counter", Integer, nullable=True, comment="the card's last write seen"),
    Column("status", String(8), nullable=False, comment="rules.PurseStatus"),
    Column("loaded_at", UTCDateTime, nullable=False),
    Column("loaded_by", Id, ForeignKey("actors.id"), nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    CheckConstraint("balance_fen >= 0", name="ck_transport_purses_never_negative"),
)

transport_top_ups = Table(
    "transport_top_ups",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "reference",
        String(40),
        nullable=False,
        unique=True,
        comment="the paying channel's own reference: one top-up each",
    ),
    Column("purse_id", Id, ForeignKey("transport_purses.id"), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("channel", String(8), nullable=False, comment="rules.TopUpChannel"),
    Column("state", String(12), nullable=False, comment="rules.TopUpState"),
    Column("authorised_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True, comment="confirmed or reversed"),
    Column("counter", Integer, nullable=True, comment="the card's counter of the write"),
    Column("actor_id", Id, ForeignKey("actors.id"), nullable=True),
    Column("paid_fen", BigInteger, nullable=True, comment="what the holder paid (an offer)"),
    Column("paid_with_bank", String(16), nullable=True, comment="the paying account's bank"),
    CheckConstraint("amount_fen > 0", name="ck_transport_top_ups_positive"),
)
Index("ix_transport_top_ups_pending", transport_top_ups.c.state, transport_top_ups.c.authorised_at)
Index("ix_transport_top_ups_purse", transport_top_ups.c.purse_id, transport_top_ups.c.state)

# Written only by the transport service, its purse found and locked and its operator the
# authenticated terminal's, in the same transaction; purses and operators are never deleted:
# no foreign keys, which PostgreSQL checks row by row (a clearing file writes a million rows;
# migration b8c9d0e1f2a5).
transport_ledger = Table(
    "transport_ledger",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("purse_id", Id, nullable=False),  # transport_purses.id
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(8), nullable=False, comment="top_up | fare | refund"),
    Column("amount_fen", BigInteger, nullable=False, comment="signed: + in, - out"),
    Column("balance_after_fen", BigInteger, nullable=False),
    Column("counter", Integer, nullable=True, comment="the card's transaction counter"),
    Column("reference", String(48), nullable=False, comment="top_up:<ref>, refund:<purse>"),
    Column(  # scene_operators.id
        "operator_id", Id, nullable=True, comment="a fare: the transit operator that took it"
    ),
    Column("city_code", String(4), nullable=True, comment="a fare: the city it was taken in"),
    Column("card_city_code", String(4), nullable=True, comment="a fare: the card's city"),
    Column("mode", String(8), nullable=True, comment="a fare: rules.Mode"),
    UniqueConstraint("kind", "reference", name="uq_transport_ledger_kind_reference"),
    UniqueConstraint("purse_id", "counter", name="uq_transport_ledger_purse_counter"),
)
# A purse's trips are read through uq_transport_ledger_purse_counter, in the card's counter
# order; the day's clearing by `at`, BRIN on PostgreSQL (migration c9d0e1f2a3b6).
Index(
    "ix_transport_ledger_at",
    transport_ledger.c.at,
    postgresql_using="brin",
    postgresql_with={"autosummarize": "on"},
)
