"""scene_requests: each terminal request's own id, taken once, so a signed request captured
and sent again inside the signature's window is refused

Issue 14 item 7 (found by the adversarial review of the scenes' API).

Revision ID: d6e7f8a9b0c2
Revises: c5d6e7f8a9b1
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sscard.kernel.db

revision: str = "d6e7f8a9b0c2"
down_revision: str | None = "c5d6e7f8a9b1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scene_requests",
        sa.Column(
            "terminal_id",
            sscard.kernel.db.Id,
            sa.ForeignKey("scene_terminals.id"),
            primary_key=True,
        ),
        sa.Column(
            "request_id", sa.String(64), primary_key=True, comment="the terminal's own, once"
        ),
        sa.Column(
            "seen_at",
            sscard.kernel.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="kept a day, then pruned",
        ),
    )
    op.create_index("ix_scene_requests_seen_at", "scene_requests", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_scene_requests_seen_at", "scene_requests")
    op.drop_table("scene_requests")
