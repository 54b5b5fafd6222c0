"""Every query of temporary medical cards (SPEC REP-1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.applications.temporary_medical.models import temporary_medical_cards
from sscard.kernel.db import Row


async def insert_temporary_medical_card(conn: AsyncConnection, values: Row) -> Row:
    stmt = insert(temporary_medical_cards).values(**values).returning(temporary_medical_cards)
    return dict((await conn.execute(stmt)).one()._mapping)


async def temporary_medical_cards_of(conn: AsyncConnection, person_id: int) -> list[Row]:
    stmt = (
        select(temporary_medical_cards)
        .where(temporary_medical_cards.c.person_id == person_id)
        .order_by(temporary_medical_cards.c.id)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def end_temporary_medical_cards(
    conn: AsyncConnection, application_id: int, at: Any
) -> list[Row]:
    stmt = (
        update(temporary_medical_cards)
        .where(
            temporary_medical_cards.c.application_id == application_id,
            temporary_medical_cards.c.status == "valid",
        )
        .values(status="ended", ended_at=at)
        .returning(temporary_medical_cards.c.id, temporary_medical_cards.c.number)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]
