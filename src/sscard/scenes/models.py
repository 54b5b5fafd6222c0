"""Tables of the scenes (SPEC SCN-1): operators, their terminals, every use of a card there."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
)

from sscard.kernel.db import Id, UTCDateTime, metadata

scene_operators = Table(
    "scene_operators",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "code",
        String(20),
        nullable=False,
        unique=True,
        comment="the scene's code, e.g. a designated institution's national code",
    ),
    Column("name", String(64), nullable=False),
    Column("kind", String(24), nullable=False, comment="rules.SceneKind"),
    Column("city_code", String(4), ForeignKey("cities.code"), nullable=False),
    Column(
        "area_code",
        String(6),
        nullable=True,
        comment="its county-level area (GB/T 2260) where a fare differs there (TRN-3)",
    ),
    Column("active", Boolean, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    Column("registered_by", Id, ForeignKey("actors.id"), nullable=True),
)
Index("ix_scene_operators_city", scene_operators.c.city_code, scene_operators.c.kind)

scene_terminals = Table(
    "scene_terminals",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("operator_id", Id, ForeignKey("scene_operators.id"), nullable=False),
    Column("terminal_code", String(32), nullable=False, comment="the operator's own name for it"),
    Column(
        "actor_id",
        Id,
        ForeignKey("actors.id"),
        nullable=False,
        unique=True,
        comment="the terminal's token (role scene_terminal)",
    ),
    Column("secret_enc", LargeBinary, nullable=False, comment="HMAC-SM3 signing key, SM4 sealed"),
    Column("language", String(2), nullable=False, comment="zh | en: the refusals it shows"),
    Column("active", Boolean, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    UniqueConstraint("operator_id", "terminal_code", name="uq_scene_terminals_operator_code"),
)

scene_use_events = Table(
    "scene_use_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("operator_id", Id, ForeignKey("scene_operators.id"), nullable=False),
    Column("terminal_id", Id, ForeignKey("scene_terminals.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("use", String(16), nullable=False, comment="rules.SceneUse"),
    Column("credential", String(8), nullable=False, comment="card | ecard"),
    Column("card_id", Id, ForeignKey("cards.id"), nullable=True, comment="no personal data"),
    Column("ecard_id", Id, ForeignKey("ecards.id"), nullable=True),
    Column("card_city_code", String(4), nullable=True, comment="whose card: for the statistics"),
    Column(
        "card_province_code",
        String(2),
        nullable=True,
        comment="another delta province's card (31, 33, 34); null for Jiangsu's",
    ),
    Column("allowed", Boolean, nullable=False),
    Column("refusal_code", String(32), nullable=True, comment="why not, when refused"),
)
Index("ix_scene_use_events_operator_at", scene_use_events.c.operator_id, scene_use_events.c.at)
Index("ix_scene_use_events_at", scene_use_events.c.at)

scene_requests = Table(
    "scene_requests",
    metadata,
    Column("terminal_id", Id, ForeignKey("scene_terminals.id"), primary_key=True),
    Column("request_id", String(64), primary_key=True, comment="the terminal's own, once"),
    Column("seen_at", UTCDateTime, nullable=False, comment="kept a day, then pruned"),
)
Index("ix_scene_requests_seen_at", scene_requests.c.seen_at)

offline_scans = Table(
    "offline_scans",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("operator_id", Id, ForeignKey("scene_operators.id"), nullable=False),
    Column("terminal_id", Id, ForeignKey("scene_terminals.id"), nullable=False),
    Column("ecard_id", Id, ForeignKey("ecards.id"), nullable=False),
    Column("nonce", LargeBinary, nullable=False, comment="the code's 8 random bytes"),
    Column("scanned_at", UTCDateTime, nullable=False, comment="the gate's clock"),
    Column("admitted", Boolean, nullable=False, comment="what the gate decided offline"),
    Column(
        "finding",
        String(24),
        nullable=False,
        comment="first_use | used_twice | outside_validity: the reconciliation's",
    ),
    Column("uploaded_at", UTCDateTime, nullable=False),
    UniqueConstraint("terminal_id", "ecard_id", "nonce", name="uq_offline_scans_code"),
)
Index("ix_offline_scans_code", offline_scans.c.ecard_id, offline_scans.c.nonce)
