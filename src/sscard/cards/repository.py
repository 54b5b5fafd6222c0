"""Every query for cards."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.cards.lifecycle import HrStatus
from sscard.cards.models import cards
from sscard.kernel.db import Row
from sscard.kernel.errors import Conflict


async def insert_card(conn: AsyncConnection, values: Row) -> int:
    return (await conn.execute(insert(cards).values(**values).returning(cards.c.id))).scalar_one()


async def get(conn: AsyncConnection, card_id: int) -> Row | None:
    r = (await conn.execute(select(cards).where(cards.c.id == card_id))).first()
    return dict(r._mapping) if r else None


async def id_of(conn: AsyncConnection, card_number: str) -> int | None:
    """The id of the card with this number, by its unique index."""
    found = await conn.execute(select(cards.c.id).where(cards.c.card_number == card_number))
    card_id = found.scalar_one_or_none()
    return int(card_id) if card_id is not None else None


async def get_by_number(conn: AsyncConnection, card_number: str) -> Row | None:
    r = (await conn.execute(select(cards).where(cards.c.card_number == card_number))).first()
    return dict(r._mapping) if r else None


async def change(conn: AsyncConnection, card: Row, at: Any, **values: Any) -> Row:
    """Compare-and-set of any card fields: exactly one of two concurrent changes wins."""
    stmt = (
        update(cards)
        .where(cards.c.id == card["id"], cards.c.version == card["version"])
        .values(version=card["version"] + 1, updated_at=at, **values)
    )
    if (await conn.execute(stmt)).rowcount != 1:
        raise Conflict(field="card_number")
    return {**card, **values, "version": card["version"] + 1, "updated_at": at}


LIFTED = {
    "hr_status": HrStatus.ACTIVE.value,
    "loss_until": None,
    "loss_reported_at": None,
    "loss_channel": None,
    "loss_outlet_id": None,
}


async def expired_temporary_losses(conn: AsyncConnection, now: Any, limit: int) -> list[Row]:
    """Due 7-day lifts, with the card number and bank their messages to the bank need."""
    stmt = (
        select(cards.c.id, cards.c.loss_until, cards.c.card_number, cards.c.bank_code)
        .where(
            cards.c.hr_status == HrStatus.TEMPORARILY_LOST.value,
            cards.c.loss_until <= now,
        )
        .order_by(cards.c.loss_until)
        .limit(limit)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def lift_temporary_losses(conn: AsyncConnection, ids: list[int], at: Any) -> list[int]:
    """One statement for a batch; returns the cards lifted (one changed meanwhile is not)."""
    stmt = (
        update(cards)
        .where(
            cards.c.id.in_(ids),
            cards.c.hr_status == HrStatus.TEMPORARILY_LOST.value,
            cards.c.loss_until <= at,
        )
        .values(version=cards.c.version + 1, updated_at=at, **LIFTED)
        .returning(cards.c.id)
    )
    return [int(i) for i in (await conn.execute(stmt)).scalars()]


# ---- older-generation cards (GEN-3, ISS-5) ----


# ---- temporary medical cards (REP-1) ----


# ---- the 10-year financial validity (ISS-7) ----
