"""Every query for cards."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.cards.lifecycle import HrStatus
from sscard.cards.models import cards
from sscard.errors import Conflict

Row = dict[str, Any]


async def insert_card(conn: AsyncConnection, values: Row) -> int:
    return (await conn.execute(insert(cards).values(**values).returning(cards.c.id))).scalar_one()


async def get(conn: AsyncConnection, card_id: int) -> Row | None:
    r = (await conn.execute(select(cards).where(cards.c.id == card_id))).first()
    return dict(r._mapping) if r else None


async def move_hr(conn: AsyncConnection, card: Row, to: HrStatus, at: Any) -> Row:
    """Compare-and-set on the version: exactly one of two concurrent changes wins."""
    stmt = (
        update(cards)
        .where(cards.c.id == card["id"], cards.c.version == card["version"])
        .values(hr_status=to.value, version=card["version"] + 1, updated_at=at)
    )
    if (await conn.execute(stmt)).rowcount != 1:
        raise Conflict(field="card")
    return {**card, "hr_status": to.value, "version": card["version"] + 1, "updated_at": at}
