"""Gap-tolerant number sequences shared by all workers (card numbers, assigned numbers)."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.platform.models import sequences


async def take(conn: AsyncConnection, name: str, count: int = 1, start: int = 1) -> range:
    """Reserve `count` consecutive values; the row lock serialises concurrent takers."""
    stmt = (
        update(sequences)
        .where(sequences.c.name == name)
        .values(next_value=sequences.c.next_value + count)
        .returning(sequences.c.next_value)
    )
    end = (await conn.execute(stmt)).scalar_one_or_none()
    if end is None:
        await _create(conn, name, start)
        end = (await conn.execute(stmt)).scalar_one()
    return range(end - count, end)


async def _create(conn: AsyncConnection, name: str, start: int) -> None:
    try:
        async with conn.begin_nested():
            await conn.execute(insert(sequences).values(name=name, next_value=start))
    except IntegrityError:
        pass  # another transaction created it first
    assert (await conn.execute(select(sequences.c.name).where(sequences.c.name == name))).first()
