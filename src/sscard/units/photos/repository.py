"""Every query of the unit's photo supplements (issue 13; SPEC APP-3, APP-5)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.applications.models import applications
from sscard.kernel.db import Row
from sscard.units.models import batch_rows


async def member(conn: AsyncConnection, batch_id: int, row_number: int) -> Row | None:
    """The batch's accepted row `row_number`, with its application's status."""
    stmt = (
        select(
            batch_rows.c.id,
            batch_rows.c.row_number,
            applications.c.person_id,
            batch_rows.c.photo_pending,
            batch_rows.c.name_masked,
            batch_rows.c.number_masked,
            applications.c.status.label("application_status"),
        )
        .select_from(
            batch_rows.join(applications, applications.c.id == batch_rows.c.application_id)
        )
        .where(
            batch_rows.c.batch_id == batch_id,
            batch_rows.c.row_number == row_number,
            batch_rows.c.outcome == "accepted",
        )
    )
    r = (await conn.execute(stmt)).first()
    return dict(r._mapping) if r else None


async def mark_photo_supplied(conn: AsyncConnection, row_id: int) -> None:
    """The unit has supplied the member's photo: the row no longer waits for it."""
    stmt = update(batch_rows).where(batch_rows.c.id == row_id).values(photo_pending=False)
    await conn.execute(stmt)
