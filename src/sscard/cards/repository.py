"""Every query of the cards table; cards come back typed (entities.Card)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.cards.entities import Card, CardRef
from sscard.cards.lifecycle import HrStatus
from sscard.cards.models import cards
from sscard.kernel.db import Row
from sscard.kernel.errors import Conflict


async def insert_card(conn: AsyncConnection, values: Row) -> Card:
    """Store a new card (its number and identification code are unique)."""
    stmt = insert(cards).values(**values).returning(cards)
    return Card.from_row((await conn.execute(stmt)).one()._mapping)


async def get(conn: AsyncConnection, card_id: int) -> Card | None:
    r = (await conn.execute(select(cards).where(cards.c.id == card_id))).first()
    return Card.from_row(r._mapping) if r else None


async def id_of(conn: AsyncConnection, card_number: str) -> int | None:
    """The id of the card with this number, by its unique index."""
    found = await conn.execute(select(cards.c.id).where(cards.c.card_number == card_number))
    card_id = found.scalar_one_or_none()
    return int(card_id) if card_id is not None else None


async def get_by_number(conn: AsyncConnection, card_number: str) -> Card | None:
    r = (await conn.execute(select(cards).where(cards.c.card_number == card_number))).first()
    return Card.from_row(r._mapping) if r else None


async def change(conn: AsyncConnection, card: Card, at: datetime, **values: Any) -> Card:
    """Compare-and-set of any card columns: exactly one of two concurrent changes wins; the
    other raises Conflict."""
    stmt = (
        update(cards)
        .where(cards.c.id == card.id, cards.c.version == card.version)
        .values(version=card.version + 1, updated_at=at, **values)
    )
    if (await conn.execute(stmt)).rowcount != 1:
        raise Conflict(field="card_number")
    return card.with_changes(**values, version=card.version + 1, updated_at=at)


# What a card's loss columns hold once a temporary loss has lifted (LOSS-1).
LIFTED = {
    "hr_status": HrStatus.ACTIVE.value,
    "loss_until": None,
    "loss_reported_at": None,
    "loss_channel": None,
    "loss_outlet_id": None,
}


@dataclass(frozen=True)
class DueLift:
    """A temporary loss whose 7 days are over: the card, and when the loss ended."""

    card: CardRef
    loss_until: datetime


async def expired_temporary_losses(
    conn: AsyncConnection, now: datetime, limit: int
) -> list[DueLift]:
    """Due 7-day lifts, oldest first, by the (hr_status, loss_until) index."""
    c = cards.c
    stmt = (
        select(c.id, c.card_number, c.person_id, c.bank_code, c.city_code, c.loss_until)
        .where(c.hr_status == HrStatus.TEMPORARILY_LOST.value, c.loss_until <= now)
        .order_by(c.loss_until)
        .limit(limit)
    )
    return [
        DueLift(CardRef(r.id, r.card_number, r.person_id, r.bank_code, r.city_code), r.loss_until)
        for r in await conn.execute(stmt)
    ]


async def lift_temporary_losses(conn: AsyncConnection, ids: list[int], at: datetime) -> list[int]:
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
