"""ecards: one electronic card per card, consent per channel, the QR's keys and uses (ECARD-1..3)

Issue 14. Every person's latest card that is not cancelled gets its ecard now, in the state
that mirrors the card's (a superseded card's ecard is moving, waiting for the new card).

Revision ID: f6a7b8c9d0e2
Revises: e5f6a7b8c9d1
Create Date: 2026-12-02 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "f6a7b8c9d0e2"
down_revision: str | None = "e5f6a7b8c9d1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUS = """CASE c.hr_status WHEN 'produced' THEN 'pending' WHEN 'active' THEN 'active'
  WHEN 'superseded' THEN 'moving' ELSE 'suspended' END"""
_RANDOM = {
    "postgresql": "(floor(random() * 9223372036854775806) + 1)::bigint",
    "sqlite": "(abs(random()) % 9223372036854775806) + 1",
}


def upgrade() -> None:
    op.create_table(
        "ecards",
        sa.Column("id", sscard.kernel.db.Id, primary_key=True, autoincrement=True),
        sa.Column(
            "ecard_no",
            sa.BigInteger(),
            nullable=False,
            unique=True,
            comment="the ecard's public number: random, 63 bits (a QR names it, never the id)",
        ),
        sa.Column("person_id", sscard.kernel.db.Id, sa.ForeignKey("persons.id"), nullable=False),
        sa.Column(
            "card_id",
            sscard.kernel.db.Id,
            sa.ForeignKey("cards.id"),
            nullable=False,
            unique=True,
            comment="the card behind it now; a replacement or exchange moves it (ECARD-2)",
        ),
        sa.Column("status", sa.String(16), nullable=False, comment="lifecycle.EcardStatus"),
        sa.Column("issued_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_ecards_person", "ecards", ["person_id"])
    op.create_table(
        "ecard_consents",
        sa.Column("id", sscard.kernel.db.Id, primary_key=True, autoincrement=True),
        sa.Column("ecard_id", sscard.kernel.db.Id, sa.ForeignKey("ecards.id"), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False, comment="channels.CHANNELS code"),
        sa.Column("consented_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_ecard_consents_ecard_channel", "ecard_consents", ["ecard_id", "channel"])
    op.create_table(
        "ecard_signing_keys",
        sa.Column(
            "key_id",
            sa.Integer(),
            primary_key=True,
            autoincrement=False,
            comment="1..65535, in QRs",
        ),
        sa.Column("public_key", sa.LargeBinary(), nullable=False, comment="SM2, 65 bytes 04||x||y"),
        sa.Column(
            "private_key_enc", sa.LargeBinary(), nullable=False, comment="PKCS#8, SM4 sealed"
        ),
        sa.Column("created_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "retired_at",
            sscard.kernel.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="no longer signs; still verifies the codes it signed until they expire",
        ),
    )
    op.create_table(
        "ecard_qr_uses",
        sa.Column("ecard_id", sscard.kernel.db.Id, sa.ForeignKey("ecards.id"), primary_key=True),
        sa.Column("nonce", sa.LargeBinary(), primary_key=True, comment="the code's 8 random bytes"),
        sa.Column("used_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column(
            "expires_at",
            sscard.kernel.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="kept until then, then pruned",
        ),
    )
    op.create_index("ix_ecard_qr_uses_expires", "ecard_qr_uses", ["expires_at"])
    random = _RANDOM[op.get_bind().dialect.name]
    op.execute(
        "INSERT INTO ecards (ecard_no, person_id, card_id, status, issued_at, updated_at, version)"
        f" SELECT {random}, c.person_id, c.id, {_STATUS}, c.created_at, c.created_at, 1"
        " FROM cards c WHERE c.hr_status <> 'cancelled' AND c.id = (SELECT max(c2.id)"
        " FROM cards c2 WHERE c2.person_id = c.person_id AND c2.hr_status <> 'cancelled')"
    )


def downgrade() -> None:
    op.drop_index("ix_ecard_qr_uses_expires", table_name="ecard_qr_uses")
    op.drop_table("ecard_qr_uses")
    op.drop_table("ecard_signing_keys")
    op.drop_index("ix_ecard_consents_ecard_channel", table_name="ecard_consents")
    op.drop_table("ecard_consents")
    op.drop_index("ix_ecards_person", table_name="ecards")
    op.drop_table("ecards")
