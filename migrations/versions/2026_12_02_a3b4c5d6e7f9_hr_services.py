"""hr_services: insurance certificates with their verification codes, unemployment
registrations started through the ecard (ECARD-5)

Issue 14 item 6.

Revision ID: a3b4c5d6e7f9
Revises: f2a3b4c5d6e8
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "a3b4c5d6e7f9"
down_revision: str | None = "f2a3b4c5d6e8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sscard.kernel.db.Id


def _at(name: str) -> sa.Column:
    return sa.Column(name, sscard.kernel.db.UTCDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "insurance_certificates",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "code", sa.String(16), nullable=False, unique=True, comment="the verification code"
        ),
        sa.Column("person_id", Id, sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("card_id", Id, sa.ForeignKey("cards.id"), nullable=False),
        sa.Column("insured_city_code", sa.String(4), nullable=False),
        _at("issued_at"),
        sa.Column("valid_until", sa.Date(), nullable=False, comment="the code answers until then"),
    )
    op.create_index("ix_insurance_certificates_person", "insurance_certificates", ["person_id"])
    op.create_table(
        "unemployment_registrations",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("person_id", Id, sa.ForeignKey("persons.id"), nullable=False),
        sa.Column(
            "city_code",
            sa.String(4),
            nullable=False,
            comment="where it is handled: the card's city",
        ),
        sa.Column("reason", sa.String(24), nullable=False, comment="rules.UnemploymentReason"),
        sa.Column("unemployed_since", sa.Date(), nullable=False),
        sa.Column(
            "last_unit_code", sa.String(18), nullable=True, comment="the last employer's USCC"
        ),
        sa.Column("status", sa.String(16), nullable=False, comment="submitted: for the HR agency"),
        _at("submitted_at"),
    )
    op.create_index(
        "ix_unemployment_registrations_person", "unemployment_registrations", ["person_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_unemployment_registrations_person", "unemployment_registrations")
    op.drop_table("unemployment_registrations")
    op.drop_index("ix_insurance_certificates_person", "insurance_certificates")
    op.drop_table("insurance_certificates")
