"""Every query of culture and tourism: tickets, readers, loans."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.culture.models import library_loans, library_readers, scene_tickets
from sscard.kernel.db import Row

T, R, L = scene_tickets, library_readers, library_loans


async def ticket_by_ref(conn: AsyncConnection, operator_id: int, ref: str) -> Row | None:
    stmt = select(T).where(T.c.operator_id == operator_id, T.c.ticket_ref == ref)
    row = (await conn.execute(stmt)).first()
    return dict(row._mapping) if row is not None else None


async def insert_ticket(conn: AsyncConnection, row: Row) -> int:
    return int((await conn.execute(insert(T).values(**row).returning(T.c.id))).scalar_one())


async def tickets_for(
    conn: AsyncConnection, operator_id: int, person_id: int, day: date
) -> list[Row]:
    """The person's tickets of this scene for `day`, unused first."""
    stmt = (
        select(T)
        .where(T.c.operator_id == operator_id, T.c.person_id == person_id, T.c.valid_on == day)
        .order_by(T.c.used_at.is_not(None), T.c.id)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def has_any_ticket(conn: AsyncConnection, operator_id: int, person_id: int) -> bool:
    stmt = select(T.c.id).where(T.c.operator_id == operator_id, T.c.person_id == person_id)
    return (await conn.execute(stmt.limit(1))).first() is not None


async def use_ticket(conn: AsyncConnection, ticket_id: int, at: datetime, terminal_id: int) -> bool:
    """Check a ticket in, once: False if it was used meanwhile."""
    stmt = (
        update(T)
        .where(T.c.id == ticket_id, T.c.used_at.is_(None))
        .values(used_at=at, used_terminal_id=terminal_id)
    )
    return (await conn.execute(stmt)).rowcount == 1


async def is_reader(conn: AsyncConnection, operator_id: int, person_id: int) -> bool:
    stmt = select(R.c.person_id).where(R.c.operator_id == operator_id, R.c.person_id == person_id)
    return (await conn.execute(stmt)).first() is not None


async def insert_reader(conn: AsyncConnection, row: Row) -> None:
    await conn.execute(insert(R).values(**row))


async def loans_out(conn: AsyncConnection, operator_id: int, person_id: int) -> int:
    stmt = select(func.count()).where(
        L.c.operator_id == operator_id, L.c.person_id == person_id, L.c.returned_at.is_(None)
    )
    return int((await conn.execute(stmt)).scalar_one())


async def item_out(conn: AsyncConnection, operator_id: int, item_code: str) -> Row | None:
    stmt = select(L).where(
        L.c.operator_id == operator_id, L.c.item_code == item_code, L.c.returned_at.is_(None)
    )
    row = (await conn.execute(stmt)).first()
    return dict(row._mapping) if row is not None else None


async def insert_loan(conn: AsyncConnection, row: Row) -> int:
    return int((await conn.execute(insert(L).values(**row).returning(L.c.id))).scalar_one())


async def return_item(conn: AsyncConnection, loan_id: int, at: datetime) -> bool:
    stmt = update(L).where(L.c.id == loan_id, L.c.returned_at.is_(None)).values(returned_at=at)
    return (await conn.execute(stmt)).rowcount == 1
