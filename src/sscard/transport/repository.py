"""Every query of the transport wallet: purses, top-ups, the ledger of writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.cards.entities import Card
from sscard.cards.models import cards
from sscard.kernel.db import Row
from sscard.scenes.models import scene_operators
from sscard.transport.models import transport_ledger, transport_purses, transport_top_ups
from sscard.transport.rules import PurseStatus, TopUpState

P, T, L = transport_purses, transport_top_ups, transport_ledger


async def purse_of_card(conn: AsyncConnection, card_id: int) -> Row | None:
    found = (await conn.execute(select(P).where(P.c.card_id == card_id))).mappings().first()
    return dict(found) if found else None


async def purse_by_id(conn: AsyncConnection, purse_id: int) -> Row | None:
    found = (await conn.execute(select(P).where(P.c.id == purse_id))).mappings().first()
    return dict(found) if found else None


async def lock_purse(conn: AsyncConnection, purse_id: int) -> Row | None:
    """The purse, its row locked to the end of the transaction (PostgreSQL; SQLite's writes
    are serialised already): the cap, the pending top-ups, the counter and the open state are
    then read and changed by one request at a time."""
    stmt = select(P).where(P.c.id == purse_id).with_for_update()
    found = (await conn.execute(stmt)).mappings().first()
    return dict(found) if found else None


async def insert_purse(conn: AsyncConnection, row: Row) -> bool:
    """The purse, or False if the card has one already (loaded twice at once)."""
    try:
        async with conn.begin_nested():
            await conn.execute(insert(P).values(**row))
    except IntegrityError:
        return False
    return True


async def pending_fen(conn: AsyncConnection, purse_id: int) -> int:
    stmt = select(func.coalesce(func.sum(T.c.amount_fen), 0)).where(
        T.c.purse_id == purse_id, T.c.state == TopUpState.AUTHORISED.value
    )
    return int((await conn.execute(stmt)).scalar_one())


async def top_up_by_reference(conn: AsyncConnection, reference: str) -> Row | None:
    found = (await conn.execute(select(T).where(T.c.reference == reference))).mappings().first()
    return dict(found) if found else None


async def insert_top_up(conn: AsyncConnection, row: Row) -> bool:
    """The authorised top-up, or False if its reference was taken meanwhile."""
    try:
        async with conn.begin_nested():
            await conn.execute(insert(T).values(**row))
    except IntegrityError:
        return False
    return True


async def end_top_up(
    conn: AsyncConnection, top_up_id: int, state: TopUpState, at: datetime, counter: int | None
) -> bool:
    """Move an authorised top-up on, once: False if another request moved it first."""
    stmt = (
        update(T)
        .where(T.c.id == top_up_id, T.c.state == TopUpState.AUTHORISED.value)
        .values(state=state.value, ended_at=at, counter=counter)
    )
    return (await conn.execute(stmt)).rowcount == 1


async def reverse_authorised_before(conn: AsyncConnection, before: datetime, at: datetime) -> int:
    """Every top-up still authorised since before `before`: reversed, in one statement."""
    stmt = (
        update(T)
        .where(T.c.state == TopUpState.AUTHORISED.value, T.c.authorised_at < before)
        .values(state=TopUpState.REVERSED.value, ended_at=at)
    )
    return int((await conn.execute(stmt)).rowcount or 0)


def _later(conn: AsyncConnection, counter: int) -> Any:
    """The purse's last counter moved on to `counter` unless it is past it already."""
    biggest = func.max if conn.dialect.name == "sqlite" else func.greatest
    return biggest(func.coalesce(P.c.last_counter, -1), counter)


async def credit(conn: AsyncConnection, purse_id: int, amount_fen: int, counter: int) -> int | None:
    """Add a confirmed write to the balance and move the counter on; the new balance, or None
    if the purse is closed."""
    stmt = (
        update(P)
        .where(P.c.id == purse_id, P.c.status == PurseStatus.OPEN.value)
        .values(balance_fen=P.c.balance_fen + amount_fen, last_counter=_later(conn, counter))
        .returning(P.c.balance_fen)
    )
    found = (await conn.execute(stmt)).scalar_one_or_none()
    return int(found) if found is not None else None


async def debit(conn: AsyncConnection, purse_id: int, amount_fen: int, counter: int) -> int | None:
    """Take a fare from an open purse holding at least that much, in one conditional statement
    (never below zero, whatever runs at once); the new balance, or None."""
    stmt = (
        update(P)
        .where(
            P.c.id == purse_id, P.c.status == PurseStatus.OPEN.value, P.c.balance_fen >= amount_fen
        )
        .values(balance_fen=P.c.balance_fen - amount_fen, last_counter=_later(conn, counter))
        .returning(P.c.balance_fen)
    )
    found = (await conn.execute(stmt)).scalar_one_or_none()
    return int(found) if found is not None else None


async def entry(conn: AsyncConnection, kind: str, reference: str) -> Row | None:
    stmt = select(L).where(L.c.kind == kind, L.c.reference == reference)
    found = (await conn.execute(stmt)).mappings().first()
    return dict(found) if found else None


# ---- a fare online (fares.py): a fixed handful of statements, built once ----

FARE_PURSE = (
    select(
        cards,
        P.c.id.label("purse_id"),
        P.c.status.label("purse_status"),
        P.c.balance_fen,
        P.c.last_counter,
    )
    .select_from(cards.join(P, P.c.card_id == cards.c.id))
    .where(cards.c.card_number == bindparam("card_number"))
    .with_for_update(of=P)
)


async def card_and_purse_locked(conn: AsyncConnection, card_number: str) -> tuple[Card, Row] | None:
    """The card with this number and its purse (`id`, `status`, `balance_fen`,
    `last_counter`), the purse's row locked to the end of the transaction (PostgreSQL; SQLite
    serialises writes already), in one statement; None when there is no such card or it has
    no purse."""
    found = (await conn.execute(FARE_PURSE, {"card_number": card_number})).first()
    if found is None:
        return None
    row = found._mapping
    purse = {"id": row["purse_id"], "status": row["purse_status"],
             "balance_fen": row["balance_fen"], "last_counter": row["last_counter"]}  # fmt: skip
    return Card.from_row(row), purse


FARE_ENTRIES = select(
    L.c.kind, L.c.reference, L.c.purse_id, L.c.counter, L.c.amount_fen, L.c.balance_after_fen
).where(
    or_(
        and_(L.c.kind == "fare", L.c.reference == bindparam("reference")),
        and_(L.c.purse_id == bindparam("purse_id"), L.c.counter == bindparam("counter")),
    )
)


async def fare_entries(
    conn: AsyncConnection, reference: str, purse_id: int, counter: int
) -> tuple[Row | None, bool]:
    """In one statement: the fare written under `reference` (a reader's sequence), or None,
    and whether the purse's ledger holds a write at `counter`."""
    params = {"reference": reference, "purse_id": purse_id, "counter": counter}
    rows = [dict(r._mapping) for r in await conn.execute(FARE_ENTRIES, params)]
    earlier = next((r for r in rows if (r["kind"], r["reference"]) == ("fare", reference)), None)
    seen = any((r["purse_id"], r["counter"]) == (purse_id, counter) for r in rows)
    return earlier, seen


FARE_COLUMNS = ("purse_id", "at", "kind", "amount_fen", "balance_after_fen", "counter",
                "reference", "operator_id", "city_code", "card_city_code", "mode")  # fmt: skip
DEBITED = (
    update(P)
    .where(
        P.c.id == bindparam("p_purse_id"),
        P.c.status == PurseStatus.OPEN.value,
        P.c.balance_fen >= bindparam("p_charged"),
    )
    .values(
        balance_fen=P.c.balance_fen - bindparam("p_charged"),
        last_counter=func.greatest(func.coalesce(P.c.last_counter, -1), bindparam("p_counter")),
    )
    .returning(P.c.balance_fen)
    .cte("debited")
)
FARE_DEBIT = (  # PostgreSQL: the conditional debit and its ledger row, one statement; its
    # parameters are `row`'s keys prefixed p_ (an UPDATE would set a column a plain name matches)
    insert(L)
    .from_select(
        FARE_COLUMNS,
        select(
            bindparam("p_purse_id", type_=L.c.purse_id.type),
            bindparam("p_at", type_=L.c.at.type),
            literal("fare"),
            -bindparam("p_charged", type_=L.c.amount_fen.type),
            DEBITED.c.balance_fen,
            bindparam("p_counter", type_=L.c.counter.type),
            bindparam("p_reference", type_=L.c.reference.type),
            bindparam("p_operator_id", type_=L.c.operator_id.type),
            bindparam("p_city_code", type_=L.c.city_code.type),
            bindparam("p_card_city_code", type_=L.c.card_city_code.type),
            bindparam("p_mode", type_=L.c.mode.type),
        ).select_from(DEBITED),
    )
    .returning(L.c.balance_after_fen)
)


class EntryTaken(Exception):
    """The ledger holds the fare's counter or reference already: written by another debit
    this very moment (the transaction is to be rolled back)."""


async def debit_fare(conn: AsyncConnection, row: Row) -> int | None:
    """Take `row["charged"]` fen from an open purse holding at least that much and write the
    fare's ledger row (`row`: FARE_COLUMNS but kind, amount_fen and balance_after_fen, plus
    `charged`), never below zero whatever runs at once; the new balance, or None (nothing
    written). EntryTaken if the ledger's (purse, counter) or (kind, reference) is taken: the
    debit stands until the caller's transaction is rolled back."""
    try:
        if conn.dialect.name == "postgresql":
            params = {f"p_{k}": v for k, v in row.items()}
            return (await conn.execute(FARE_DEBIT, params)).scalar_one_or_none()
        after = await debit(conn, row["purse_id"], row["charged"], row["counter"])
        if after is not None:
            entry = {k: row[k] for k in FARE_COLUMNS if k in row}
            entry |= {"kind": "fare", "amount_fen": -row["charged"], "balance_after_fen": after}
            await conn.execute(insert(L), entry)
        return after
    except IntegrityError:
        raise EntryTaken() from None


async def close(conn: AsyncConnection, purse_id: int, at: datetime) -> int | None:
    """Empty and close an open purse; the balance it held, or None if it was not open."""
    held = select(P.c.balance_fen).where(P.c.id == purse_id, P.c.status == PurseStatus.OPEN.value)
    balance = (await conn.execute(held)).scalar_one_or_none()
    if balance is None:
        return None
    stmt = (
        update(P)
        .where(P.c.id == purse_id, P.c.status == PurseStatus.OPEN.value, P.c.balance_fen == balance)
        .values(balance_fen=0, status=PurseStatus.CLOSED.value, closed_at=at)
    )
    return int(balance) if (await conn.execute(stmt)).rowcount == 1 else None


async def insert_entry(conn: AsyncConnection, row: Row) -> bool:
    """One ledger row; False if its counter or its reference was written before."""
    try:
        async with conn.begin_nested():
            await conn.execute(insert(L).values(**row))
    except IntegrityError:
        return False
    return True


async def entries(conn: AsyncConnection, purse_id: int, limit: int) -> list[Row]:
    """The purse's newest `limit` writes, in the card's order (TRN-3: each write takes the
    card's next counter; the refund, the only one without, closes the purse and is the last),
    read backwards through the unique (purse, counter) index. A fare's entry names its
    operator, the city it was taken in and the mode (None for a top-up or a refund)."""
    o = scene_operators
    stmt = (
        select(
            L.c.at,
            L.c.kind,
            L.c.amount_fen,
            L.c.balance_after_fen,
            L.c.counter,
            o.c.name.label("operator_name"),
            L.c.city_code,
            L.c.mode,
        )
        .outerjoin(o, o.c.id == L.c.operator_id)
        .where(L.c.purse_id == purse_id)
        .order_by(L.c.counter.desc().nulls_first())
        .limit(limit)
    )
    return [dict(r) for r in (await conn.execute(stmt)).mappings()]


async def top_ups(conn: AsyncConnection, purse_id: int, states: Sequence[str]) -> list[Row]:
    stmt = (
        select(
            T.c.reference,
            T.c.amount_fen,
            func.coalesce(T.c.paid_fen, T.c.amount_fen).label("paid_fen"),
            T.c.channel,
            T.c.state,
            T.c.authorised_at,
        )
        .where(T.c.purse_id == purse_id, T.c.state.in_(list(states)))
        .order_by(T.c.id)
    )
    return [dict(r) for r in (await conn.execute(stmt)).mappings()]


async def fares_by_operator_and_card_city(
    conn: AsyncConnection, start: datetime, end: datetime, city_code: str | None
) -> list[Row]:
    """The fares taken in [start, end) by operator, the city taken in, the card's city and the
    mode: how many and how much (fen); one city's (taken there or its cards') when given."""
    o = scene_operators
    stmt = (
        select(
            o.c.code.label("operator_code"),
            o.c.name.label("operator_name"),
            L.c.city_code,
            L.c.card_city_code,
            L.c.mode,
            func.count().label("fares"),
            func.sum(-L.c.amount_fen).label("collected_fen"),
        )
        .join(o, o.c.id == L.c.operator_id)
        .where(L.c.kind == "fare", L.c.at >= start, L.c.at < end)
        .group_by(o.c.code, o.c.name, L.c.city_code, L.c.card_city_code, L.c.mode)
        .order_by(o.c.code, L.c.card_city_code, L.c.mode)
    )
    if city_code is not None:
        stmt = stmt.where((L.c.city_code == city_code) | (L.c.card_city_code == city_code))
    return [dict(r) for r in (await conn.execute(stmt)).mappings()]
