"""family bindings: a relative acts for a child under 16 or an elderly person (issue 13, ECARD-4)

Revision ID: a1b2c3d4e5f7
Revises: f0a1b2c3d4e5
Create Date: 2026-12-01 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sscard.kernel.db import Id, UTCDateTime

revision: str = "a1b2c3d4e5f7"
down_revision: str | None = "f0a1b2c3d4e5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "family_bindings",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column(
            "relative_person_id",
            Id,
            sa.ForeignKey("persons.id", name="fk_family_bindings_relative_person_id_persons"),
            nullable=False,
            comment="who acts",
        ),
        sa.Column(
            "dependant_person_id",
            Id,
            sa.ForeignKey("persons.id", name="fk_family_bindings_dependant_person_id_persons"),
            nullable=False,
            comment="for whom: a child under 16 or an elderly person",
        ),
        sa.Column("kind", sa.String(8), nullable=False, comment="child or elderly, at creation"),
        sa.Column(
            "relation", sa.String(16), nullable=False, comment="what the relative is to them"
        ),
        sa.Column(
            "proof", sa.String(32), nullable=False, comment="the document shown for the relation"
        ),
        sa.Column(
            "proof_reference_enc", sa.LargeBinary, nullable=True, comment="its number, SM4 sealed"
        ),
        sa.Column("proof_reference_masked", sa.String(32), nullable=True),
        sa.Column(
            "outlet_id",
            Id,
            sa.ForeignKey("outlets.id", name="fk_family_bindings_outlet_id_outlets"),
            nullable=False,
            comment="where checked",
        ),
        sa.Column(
            "actor_id",
            Id,
            sa.ForeignKey("actors.id", name="fk_family_bindings_actor_id_actors"),
            nullable=True,
            comment="the clerk",
        ),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column(
            "ends_on",
            sa.Date,
            nullable=True,
            comment="a child's 16th birthday, the first day it no longer works; null: until ended",
        ),
        sa.Column("ended_at", UTCDateTime, nullable=True),
        sa.Column(
            "ended_reason",
            sa.String(16),
            nullable=True,
            comment="at_outlet, by_dependant, by_relative",
        ),
    )
    op.create_index("ix_family_bindings_relative", "family_bindings", ["relative_person_id"])
    op.create_index("ix_family_bindings_dependant", "family_bindings", ["dependant_person_id"])
    with op.batch_alter_table("online_sessions") as batch:
        batch.add_column(
            sa.Column(
                "family_binding_id",
                Id,
                nullable=True,
                comment="the binding the relative acts under for a dependant (ECARD-4); null: self",
            )
        )
        batch.create_foreign_key(
            "fk_online_sessions_family_binding_id_family_bindings",
            "family_bindings",
            ["family_binding_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("online_sessions") as batch:
        batch.drop_constraint(
            "fk_online_sessions_family_binding_id_family_bindings", type_="foreignkey"
        )
        batch.drop_column("family_binding_id")
    op.drop_index("ix_family_bindings_dependant", table_name="family_bindings")
    op.drop_index("ix_family_bindings_relative", table_name="family_bindings")
    op.drop_table("family_bindings")
