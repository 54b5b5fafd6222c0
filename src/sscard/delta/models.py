"""Tables of the delta exchange (SPEC YRD-1..3): the other provinces' nodes, the Jiangsu cards
each has asked about (followed there), and the request ids each node has used."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

delta_nodes = Table(
    "delta_nodes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("province_code", String(2), nullable=False, unique=True, comment="GB/T 2260"),
    Column("base_url", String(256), nullable=False, comment="where sscard asks the node"),
    Column(
        "actor_id",
        Id,
        ForeignKey("actors.id"),
        nullable=False,
        unique=True,
        comment="the node's token when it asks sscard (role delta_node)",
    ),
    Column("secret_enc", LargeBinary, nullable=False, comment="HMAC-SM3, SM4 sealed"),
    Column("active", Boolean, nullable=False),
    Column("linked_at", UTCDateTime, nullable=False),
)

delta_followed_cards = Table(
    "delta_followed_cards",
    metadata,
    Column("node_id", Id, ForeignKey("delta_nodes.id"), primary_key=True),
    Column("card_id", Id, ForeignKey("cards.id"), primary_key=True),
    Column("first_asked_at", UTCDateTime, nullable=False),
    Column("last_asked_at", UTCDateTime, nullable=False, comment="followed a year after this"),
)
Index("ix_delta_followed_cards_card", delta_followed_cards.c.card_id)

delta_requests = Table(
    "delta_requests",
    metadata,
    Column("node_id", Id, ForeignKey("delta_nodes.id"), primary_key=True),
    Column("request_id", String(64), primary_key=True, comment="the node's own, once"),
    Column("seen_at", UTCDateTime, nullable=False, comment="kept a day, then pruned"),
)
Index("ix_delta_requests_seen_at", delta_requests.c.seen_at)

delta_questions = Table(
    "delta_questions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("node_id", Id, ForeignKey("delta_nodes.id"), nullable=False),
    Column("direction", String(8), nullable=False, comment="asked_us | we_asked"),
    Column("use", String(16), nullable=False),
    Column("card_id", Id, ForeignKey("cards.id"), nullable=True, comment="a Jiangsu card asked"),
    Column("answer_code", String(32), nullable=False, comment="ok or the refusal's code"),
    Column("at", UTCDateTime, nullable=False),
)
Index("ix_delta_questions_at", delta_questions.c.at)
