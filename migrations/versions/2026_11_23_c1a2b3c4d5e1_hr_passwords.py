"""hr passwords (PWD-1..3)

Revision ID: c1a2b3c4d5e1
Revises: b21010c58e2f
Create Date: 2026-11-23 15:00:00
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "c1a2b3c4d5e1"
down_revision: str | None = "b21010c58e2f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Policies already stored get the shipped default, so CityPolicy.from_rules keeps reading them.
DEFAULT_MAX_ATTEMPTS = 5
policies = sa.table("city_policies", sa.column("id", ID), sa.column("rules", sa.JSON()))


def upgrade() -> None:
    op.create_table(
        "card_hr_passwords",
        sa.Column("card_id", ID, nullable=False),
        sa.Column(
            "password_hash",
            sa.String(length=255),
            nullable=False,
            comment="argon2id of the peppered PIN",
        ),
        sa.Column(
            "failed_attempts",
            sa.Integer(),
            nullable=False,
            comment="wrong tries in a row (PWD-3)",
        ),
        sa.Column("locked_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("set_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sscard.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_card_hr_passwords_card_id_cards")
        ),
        sa.PrimaryKeyConstraint("card_id", name=op.f("pk_card_hr_passwords")),
    )
    _change_policies(lambda rules: {"password_max_attempts": DEFAULT_MAX_ATTEMPTS, **rules})


def downgrade() -> None:
    _change_policies(lambda rules: {k: v for k, v in rules.items() if k != "password_max_attempts"})
    op.drop_table("card_hr_passwords")


def _change_policies(change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    conn = op.get_bind()
    for row in conn.execute(sa.select(policies.c.id, policies.c.rules)).all():
        new = change(dict(row.rules))
        conn.execute(policies.update().where(policies.c.id == row.id).values(rules=new))
