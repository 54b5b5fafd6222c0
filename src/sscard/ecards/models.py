"""Tables of the electronic card (SPEC ECARD-1, ECARD-2)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, LargeBinary, String, Table

from sscard.kernel.db import Id, UTCDateTime, metadata

ecards = Table(
    "ecards",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "ecard_no",
        BigInteger,
        nullable=False,
        unique=True,
        comment="the ecard's public number: random, 63 bits (a QR names it, never the id)",
    ),
    Column("person_id", Id, ForeignKey("persons.id"), nullable=False),
    Column(
        "card_id",
        Id,
        ForeignKey("cards.id"),
        nullable=False,
        unique=True,
        comment="the card behind it now; a replacement or exchange moves it (ECARD-2)",
    ),
    Column("status", String(16), nullable=False, comment="lifecycle.EcardStatus"),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
)
Index("ix_ecards_person", ecards.c.person_id)
Index("ix_ecards_updated_at", ecards.c.updated_at)  # the status list's deltas
# The full status list reads only the ecards not in use (a few in a hundred): an index of those
# alone, instead of a scan of all of them (10 M ecards: 563 ms of SQL to 25 ms, BENCHMARKS.md).
Index(
    "ix_ecards_not_in_use",
    ecards.c.ecard_no,
    postgresql_where=ecards.c.status != "active",
    sqlite_where=ecards.c.status != "active",
)

ecard_consents = Table(
    "ecard_consents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ecard_id", Id, ForeignKey("ecards.id"), nullable=False),
    Column("channel", String(32), nullable=False, comment="channels.CHANNELS code"),
    Column("consented_at", UTCDateTime, nullable=False),
    Column("withdrawn_at", UTCDateTime, nullable=True),
)
Index("ix_ecard_consents_ecard_channel", ecard_consents.c.ecard_id, ecard_consents.c.channel)

ecard_signing_keys = Table(
    "ecard_signing_keys",
    metadata,
    Column("key_id", Integer, primary_key=True, autoincrement=False, comment="1..65535, in QRs"),
    Column("public_key", LargeBinary, nullable=False, comment="SM2, 65 bytes 04||x||y"),
    Column("private_key_enc", LargeBinary, nullable=False, comment="PKCS#8, SM4 sealed"),
    Column("created_at", UTCDateTime, nullable=False),
    Column(
        "retired_at",
        UTCDateTime,
        nullable=True,
        comment="no longer signs; still verifies the codes it signed until they expire",
    ),
)

ecard_qr_uses = Table(
    "ecard_qr_uses",
    metadata,
    Column("ecard_id", Id, ForeignKey("ecards.id"), primary_key=True),
    Column("nonce", LargeBinary, primary_key=True, comment="the code's 8 random bytes"),
    Column("used_at", UTCDateTime, nullable=False),
    Column("scope", Integer, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, comment="kept until then, then pruned"),
)
Index("ix_ecard_qr_uses_expires", ecard_qr_uses.c.expires_at)
