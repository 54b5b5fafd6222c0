"""Every query of the 10-year financial validity (SPEC ISS-7)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.cards.lifecycle import DEAD_HR_STATES, HrStatus
from sscard.cards.models import cards
from sscard.kernel.db import Row

LIVE = [s.value for s in HrStatus if s not in DEAD_HR_STATES]  # SPEC ID-3


async def expiring_cards(
    conn: AsyncConnection, until: date, city_code: str | None, after_id: int, limit: int
) -> list[Row]:
    """Live cards expiring on or before `until` (already expired ones too), by id after
    `after_id`, at most `limit`; of one city if given."""
    stmt = select(cards).where(
        cards.c.expiry_date <= until, cards.c.hr_status.in_(LIVE), cards.c.id > after_id
    )
    if city_code:
        stmt = stmt.where(cards.c.city_code == city_code)
    rows = await conn.execute(stmt.order_by(cards.c.id).limit(limit))
    return [dict(r._mapping) for r in rows]


async def cards_to_remind(conn: AsyncConnection, until: date, limit: int) -> list[Row]:
    """Live cards expiring on or before `until` not reminded yet, soonest first, at most `limit`."""
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


async def mark_reminded(conn: AsyncConnection, ids: list[int], at: datetime) -> None:
    """Record that these cards' holders were reminded at `at`."""
    await conn.execute(update(cards).where(cards.c.id.in_(ids)).values(expiry_reminded_at=at))
