"""unit batch rows: the member's person is the application's, not a second copy

An accepted row's person was stored twice, on the row and on its application, and checked
against persons twice for each of a batch's 100,000 rows (issue 13, "Scale"); a refused row
never had one. The row keeps its application; the person is read through it.

Revision ID: c3d4e5f6a7b9
Revises: b2c3d4e5f6a8
Create Date: 2026-12-02 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "c3d4e5f6a7b9"
down_revision: str | None = "b2c3d4e5f6a8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("unit_batch_rows") as batch:
        batch.drop_index("ix_unit_batch_rows_person")
        batch.drop_constraint("fk_unit_batch_rows_person_id_persons", type_="foreignkey")
        batch.drop_column("person_id")
        batch.alter_column(
            "application_id",
            existing_type=sscard.kernel.db.Id,
            existing_nullable=True,
            comment="an accepted row's application, and through it the member's person",
        )


def downgrade() -> None:
    with op.batch_alter_table("unit_batch_rows") as batch:
        batch.alter_column(
            "application_id",
            existing_type=sscard.kernel.db.Id,
            existing_nullable=True,
            comment=None,
        )
        batch.add_column(sa.Column("person_id", sscard.kernel.db.Id, nullable=True))
        batch.create_foreign_key(
            "fk_unit_batch_rows_person_id_persons", "persons", ["person_id"], ["id"]
        )
        batch.create_index("ix_unit_batch_rows_person", ["person_id"])
    op.execute(
        "UPDATE unit_batch_rows SET person_id = (SELECT a.person_id FROM applications a"
        " WHERE a.id = unit_batch_rows.application_id) WHERE application_id IS NOT NULL"
    )
