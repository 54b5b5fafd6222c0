"""Every query of the 10-year financial validity (SPEC ISS-7)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.cards.lifecycle import HrStatus
from sscard.cards.models import cards
from sscard.kernel.db import Row

LIVE = [s.value for s in HrStatus if s not in (HrStatus.CANCELLED, HrStatus.SUPERSEDED)]


async def expiring_cards(
    conn: AsyncConnection, until: Any, city_code: str | None, after_id: int, limit: int
) -> list[Row]:
    stmt = select(cards).where(
        cards.c.expiry_date <= until, cards.c.hr_status.in_(LIVE), cards.c.id > after_id
    )
    if city_code:
        stmt = stmt.where(cards.c.city_code == city_code)
    rows = await conn.execute(stmt.order_by(cards.c.id).limit(limit))
    return [dict(r._mapping) for r in rows]


async def cards_to_remind(conn: AsyncConnection, until: Any, limit: int) -> list[Row]:
    stmt = (
        select(cards.c.id, cards.c.person_id, cards.c.card_number, cards.c.expiry_date)
        .where(
            cards.c.expiry_date <= until,
            cards.c.hr_status.in_(LIVE),
            cards.c.expiry_reminded_at.is_(None),
        )
        .order_by(cards.c.expiry_date, cards.c.id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def mark_reminded(conn: AsyncConnection, ids: list[int], at: Any) -> None:
    await conn.execute(update(cards).where(cards.c.id.in_(ids)).values(expiry_reminded_at=at))
