"""no foreign keys to outlets on the rows every change writes

Revision ID: c1a2b3c4d5e5
Revises: c1a2b3c4d5e4
Create Date: 2026-11-23 16:00:00

Every card change writes a history row (and a formal loss the card's loss outlet). A foreign key
to one outlet row makes each of N concurrent transactions take a key-share lock on that row,
which PostgreSQL records as a multixact: measurable on the lifecycle benchmark. Outlets are
reference data and are never deleted, so the keys protect nothing in practice.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c1a2b3c4d5e5"
down_revision: str | None = "c1a2b3c4d5e4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("history") as batch:
        batch.drop_constraint("fk_history_outlet_id_outlets", type_="foreignkey")
    with op.batch_alter_table("cards") as batch:
        batch.drop_constraint("fk_cards_loss_outlet_id_outlets", type_="foreignkey")
        batch.alter_column("loss_outlet_id", comment="outlet that took a formal loss")


def downgrade() -> None:
    with op.batch_alter_table("cards") as batch:
        batch.alter_column("loss_outlet_id", comment=None)
        batch.create_foreign_key(
            "fk_cards_loss_outlet_id_outlets", "outlets", ["loss_outlet_id"], ["id"]
        )
    with op.batch_alter_table("history") as batch:
        batch.create_foreign_key("fk_history_outlet_id_outlets", "outlets", ["outlet_id"], ["id"])
