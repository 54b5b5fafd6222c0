"""culture: tickets sold to a card, library readers and loans (CUL-1)

Issue 14 item 10. A ticket names the holder (a replaced card still enters); an item can be out
on loan once at a time (a partial unique index).

Revision ID: e1f2a3b4c5d7
Revises: d0e1f2a3b4c6
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "e1f2a3b4c5d7"
down_revision: str | None = "d0e1f2a3b4c6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sscard.kernel.db.Id


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sscard.kernel.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "scene_tickets",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("operator_id", Id, sa.ForeignKey("scene_operators.id"), nullable=False),
        sa.Column(
            "ticket_ref", sa.String(40), nullable=False, comment="the scene's own ticket number"
        ),
        sa.Column(
            "person_id",
            Id,
            sa.ForeignKey("persons.id"),
            nullable=False,
            comment="the holder: a ticket follows the person to a replaced card",
        ),
        sa.Column("valid_on", sa.Date(), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        _at("sold_at"),
        _at("used_at", nullable=True),
        sa.Column("used_terminal_id", Id, sa.ForeignKey("scene_terminals.id"), nullable=True),
        sa.UniqueConstraint("operator_id", "ticket_ref", name="uq_scene_tickets_ref"),
    )
    op.create_index(
        "ix_scene_tickets_person_day", "scene_tickets", ["operator_id", "person_id", "valid_on"]
    )
    op.create_table(
        "library_readers",
        sa.Column("operator_id", Id, sa.ForeignKey("scene_operators.id"), primary_key=True),
        sa.Column("person_id", Id, sa.ForeignKey("persons.id"), primary_key=True),
        _at("registered_at"),
    )
    op.create_table(
        "library_loans",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("operator_id", Id, sa.ForeignKey("scene_operators.id"), nullable=False),
        sa.Column("person_id", Id, sa.ForeignKey("persons.id"), nullable=False),
        sa.Column(
            "item_code", sa.String(32), nullable=False, comment="the library's barcode of the item"
        ),
        _at("lent_at"),
        sa.Column("due_on", sa.Date(), nullable=False),
        _at("returned_at", nullable=True),
    )
    op.create_index("ix_library_loans_person", "library_loans", ["operator_id", "person_id"])
    op.create_index(
        "uq_library_loans_item_out",
        "library_loans",
        ["operator_id", "item_code"],
        unique=True,
        sqlite_where=sa.text("returned_at IS NULL"),
        postgresql_where=sa.text("returned_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_library_loans_item_out", "library_loans")
    op.drop_index("ix_library_loans_person", "library_loans")
    op.drop_table("library_loans")
    op.drop_table("library_readers")
    op.drop_index("ix_scene_tickets_person_day", "scene_tickets")
    op.drop_table("scene_tickets")
