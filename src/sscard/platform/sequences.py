"""Gap-tolerant number sequences shared by all workers (card numbers, assigned numbers)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select, text, update
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


# Sequences on the hot path of every application. On PostgreSQL they are database sequences,
# which never hold a lock until commit (so concurrent applications do not queue on one row);
# numbers taken by a transaction that rolls back are skipped. SQLite, with one writer at a
# time, uses the table.
DATABASE_SEQUENCES = ("card_number", "application_reference")


async def next_value(conn: AsyncConnection, name: str) -> int:
    if name not in DATABASE_SEQUENCES:
        raise ValueError(f"unknown database sequence {name}")
    if conn.dialect.name == "postgresql":
        return int((await conn.execute(text(f"SELECT nextval('seq_{name}')"))).scalar_one())
    (value,) = await take(conn, name)
    return value


def reference_number(prefix: str, city_code: str, day: date, value: int) -> str:
    """A business reference: prefix + 4-digit city + date (YYYYMMDD) + the sequence's last 8
    digits, e.g. reference_number("SQ", "3204", 2026-11-23, 42) = "SQ32042026112300000042".

    The sequence is province-wide, so the number is unique while the sequence stays under 10^8
    a day (SQ applications, ZX cancellation notices)."""
    return f"{prefix}{city_code}{day:%Y%m%d}{value % 100_000_000:08d}"
