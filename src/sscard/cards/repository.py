"""Every query of the cards table; cards come back typed (entities.Card)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, null, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.cards.entities import Card, CardRef
from sscard.cards.lifecycle import DEAD_HR_STATES, FinancialStatus, HrStatus
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


async def newest_live_of(conn: AsyncConnection, person_id: int) -> Card | None:
    """The person's newest card not cancelled nor superseded (by the person index)."""
    dead = [s.value for s in DEAD_HR_STATES]
    stmt = (
        select(cards)
        .where(cards.c.person_id == person_id, cards.c.hr_status.not_in(dead))
        .order_by(cards.c.id.desc())
        .limit(1)
    )
    r = (await conn.execute(stmt)).first()
    return Card.from_row(r._mapping) if r else None


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


async def follow_bank_statement(
    conn: AsyncConnection,
    bank_code: str,
    numbers: list[str],
    was: FinancialStatus,
    to: FinancialStatus,
    as_of: datetime,
    now: datetime,
) -> list[CardRef]:
    """The mirror of these cards goes from `was` to the bank's `to`, unless the card moved
    since `as_of` (a bank report in another transaction is newer news). The cards changed."""
    c = cards.c
    before_loss: Any = null()
    if to is FinancialStatus.LOST:
        # LOSS-2: a loss remembers what it interrupted, so lifting it can return there.
        interrupted = was in (FinancialStatus.ACCOUNT_OPENED, FinancialStatus.ACTIVE)
        before_loss = was.value if interrupted else c.financial_before_loss
    stmt = (
        update(cards)
        .where(
            c.card_number.in_(numbers),
            c.bank_code == bank_code,
            c.financial_status == was.value,
            c.updated_at <= as_of,
        )
        .values(
            financial_status=to.value,
            financial_before_loss=before_loss,
            version=c.version + 1,
            updated_at=now,
        )
        .returning(c.id, c.card_number, c.person_id, c.bank_code, c.city_code)
    )
    return [CardRef(*r) for r in await conn.execute(stmt)]


async def record_sealed_accounts(conn: AsyncConnection, sealed: dict[str, Row]) -> None:
    """Account numbers already sealed (Vault.seal columns), by card number; one executemany."""
    if not sealed:
        return
    stmt = (
        update(cards)
        .where(cards.c.card_number == bindparam("b_number"))
        .values(
            account_number_enc=bindparam("b_enc"),
            account_masked=bindparam("b_masked"),
            account_index=bindparam("b_index"),
        )
    )
    rows = [
        {
            "b_number": number,
            "b_enc": s["account_number_enc"],
            "b_masked": s["account_masked"],
            "b_index": s["account_index"],
        }
        for number, s in sealed.items()
    ]
    await conn.execute(stmt, rows)
