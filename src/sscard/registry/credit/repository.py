"""Every query of the HR credit record (SPEC REP-5, GOV-4): entries are appended, never changed."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.db import Row, fetch_all
from sscard.registry.credit.models import credit_records
from sscard.registry.reference.models import outlets


async def insert_entry(conn: AsyncConnection, values: Row) -> int:
    """Append one entry; its id."""
    stmt = insert(credit_records).values(**values).returning(credit_records.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def entries_of(conn: AsyncConnection, person_id: int) -> list[Row]:
    """A person's entries, oldest first, with the code of the outlet that recorded each."""
    c = credit_records
    stmt = (
        select(
            c.c.id,
            c.c.kind,
            c.c.rule,
            c.c.note,
            c.c.at,
            c.c.recorded_by,
            c.c.role,
            c.c.channel,
            outlets.c.code.label("outlet_code"),
        )
        .select_from(c.outerjoin(outlets, outlets.c.id == c.c.outlet_id))
        .where(c.c.person_id == person_id)
        .order_by(c.c.id)
    )
    return await fetch_all(conn, stmt)
