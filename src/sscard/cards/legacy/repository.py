"""Every query of older-generation cards (SPEC GEN-3, ISS-5)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.cards.legacy.models import legacy_cards
from sscard.kernel.db import Row


async def insert_legacy_card(conn: AsyncConnection, values: Row) -> int:
    stmt = insert(legacy_cards).values(**values).returning(legacy_cards.c.id)
    return (await conn.execute(stmt)).scalar_one()


async def medical_carrier(conn: AsyncConnection, person_id: int) -> int | None:
    """The person's older card still carrying the medical function (the newest), or None."""
    stmt = (
        select(legacy_cards.c.id)
        .where(legacy_cards.c.person_id == person_id, legacy_cards.c.medical_function == "active")
        .order_by(legacy_cards.c.id.desc())
        .limit(1)
    )
    found = (await conn.execute(stmt)).scalar_one_or_none()
    return int(found) if found is not None else None


async def move_medical_functions(
    conn: AsyncConnection, person_id: int, to_card_id: int, at: Any
) -> list[Row]:
    """ISS-5: every older card of the person still carrying the medical function gives it up."""
    stmt = (
        update(legacy_cards)
        .where(legacy_cards.c.person_id == person_id, legacy_cards.c.medical_function == "active")
        .values(medical_function="moved", medical_moved_to_card_id=to_card_id, updated_at=at)
        .returning(legacy_cards.c.id, legacy_cards.c.number_masked, legacy_cards.c.generation)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]
