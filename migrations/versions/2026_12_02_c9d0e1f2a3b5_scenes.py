"""scenes: the places that accept the card, their terminals and every use there (SCN-1)

Issue 14 item 7. A terminal's token is an actor of role scene_terminal; its signing key is
sealed like a bank's.

Revision ID: c9d0e1f2a3b5
Revises: b8c9d0e1f2a4
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "c9d0e1f2a3b5"
down_revision: str | None = "b8c9d0e1f2a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sscard.kernel.db.Id


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sscard.kernel.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "scene_operators",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "code",
            sa.String(20),
            nullable=False,
            unique=True,
            comment="the scene's code, e.g. a designated institution's national code",
        ),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False, comment="rules.SceneKind"),
        sa.Column("city_code", sa.String(4), sa.ForeignKey("cities.code"), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("registered_at"),
        sa.Column("registered_by", Id, sa.ForeignKey("actors.id"), nullable=True),
    )
    op.create_index("ix_scene_operators_city", "scene_operators", ["city_code", "kind"])
    op.create_table(
        "scene_terminals",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("operator_id", Id, sa.ForeignKey("scene_operators.id"), nullable=False),
        sa.Column(
            "terminal_code", sa.String(32), nullable=False, comment="the operator's own name for it"
        ),
        sa.Column(
            "actor_id",
            Id,
            sa.ForeignKey("actors.id"),
            nullable=False,
            unique=True,
            comment="the terminal's token (role scene_terminal)",
        ),
        sa.Column(
            "secret_enc",
            sa.LargeBinary(),
            nullable=False,
            comment="HMAC-SM3 signing key, SM4 sealed",
        ),
        sa.Column(
            "language", sa.String(2), nullable=False, comment="zh | en: the refusals it shows"
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("registered_at"),
        sa.UniqueConstraint(
            "operator_id", "terminal_code", name="uq_scene_terminals_operator_code"
        ),
    )
    op.create_table(
        "scene_use_events",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("operator_id", Id, sa.ForeignKey("scene_operators.id"), nullable=False),
        sa.Column("terminal_id", Id, sa.ForeignKey("scene_terminals.id"), nullable=False),
        _at("at"),
        sa.Column("use", sa.String(16), nullable=False, comment="rules.SceneUse"),
        sa.Column("credential", sa.String(8), nullable=False, comment="card | ecard"),
        sa.Column(
            "card_id", Id, sa.ForeignKey("cards.id"), nullable=True, comment="no personal data"
        ),
        sa.Column("ecard_id", Id, sa.ForeignKey("ecards.id"), nullable=True),
        sa.Column(
            "card_city_code", sa.String(4), nullable=True, comment="whose card: for the statistics"
        ),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("refusal_code", sa.String(32), nullable=True, comment="why not, when refused"),
    )
    op.create_index("ix_scene_use_events_operator_at", "scene_use_events", ["operator_id", "at"])
    op.create_index("ix_scene_use_events_at", "scene_use_events", ["at"])


def downgrade() -> None:
    op.drop_table("scene_use_events")
    op.drop_table("scene_terminals")
    op.drop_index("ix_scene_operators_city", "scene_operators")
    op.drop_table("scene_operators")
