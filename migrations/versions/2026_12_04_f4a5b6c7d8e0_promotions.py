"""promotions: offers for cardholders with their dates and rules, and each grant

Issue 15 item 11 (SPEC PRM-1).

Revision ID: f4a5b6c7d8e0
Revises: e3f4a5b6c7d9
Create Date: 2026-12-04 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.kernel.db import Id, UTCDateTime

revision: str = "f4a5b6c7d8e0"
down_revision: str | None = "e3f4a5b6c7d9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Moment = UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "offers",
        sa.Column("code", sa.String(24), primary_key=True),
        sa.Column("name_zh", sa.String(64), nullable=False),
        sa.Column("name_en", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False, comment="rules.OfferKind"),
        sa.Column("sponsor", sa.String(64), nullable=False, comment="who pays for it"),
        sa.Column("trigger", sa.String(32), nullable=False, comment="rules.Trigger"),
        sa.Column("bank_code", sa.String(16), sa.ForeignKey("banks.code"), nullable=True),
        sa.Column("city_code", sa.String(4), sa.ForeignKey("cities.code"), nullable=True),
        sa.Column(
            "value_fen", sa.BigInteger, nullable=False, comment="the gift's or voucher's value"
        ),
        sa.Column("redeem_at", sa.String(16), nullable=False, comment="rules.RedeemAt"),
        sa.Column("terms_zh", sa.String(200), nullable=False),
        sa.Column("terms_en", sa.String(200), nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("effective_until", sa.Date, nullable=True),
        sa.Column("grant_limit", sa.Integer, nullable=True, comment="the most that may be granted"),
        sa.Column("updated_at", Moment, nullable=False),
    )
    op.create_table(
        "offer_grants",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("offer_code", sa.String(24), sa.ForeignKey("offers.code"), nullable=False),
        sa.Column("person_id", Id, sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("card_id", Id, sa.ForeignKey("cards.id"), nullable=False),
        sa.Column("voucher_code", sa.String(12), nullable=False, unique=True),
        sa.Column("status", sa.String(12), nullable=False, comment="rules.GrantStatus"),
        sa.Column("granted_at", Moment, nullable=False),
        sa.Column("redeemed_at", Moment, nullable=True),
        sa.Column("redeemed_where", sa.String(64), nullable=True, comment="outlet or scene code"),
        sa.UniqueConstraint("offer_code", "person_id", name="uq_offer_grants_offer_person"),
    )
    op.create_index("ix_offer_grants_person_id", "offer_grants", ["person_id"])
    op.create_index("ix_offer_grants_offer_status", "offer_grants", ["offer_code", "status"])


def downgrade() -> None:
    op.drop_table("offer_grants")
    op.drop_table("offers")
