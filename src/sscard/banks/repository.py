"""Every query of the banks' inbox and of each card's sequence of reports (SPEC ISS-2, ISS-4)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.banks.models import bank_card_sequences, bank_inbox
from sscard.banks.protocol import InboxStatus
from sscard.cards.models import cards
from sscard.kernel.db import Row, fetch_all, fetch_one
from sscard.kernel.upsert import insert_rows
from sscard.registry.models import persons

t, s = bank_inbox, bank_card_sequences


async def entry(conn: AsyncConnection, bank: str, message_id: str) -> Row | None:
    """The report the bank sent under this message id, if any."""
    return await fetch_one(
        conn, select(t).where(t.c.bank_code == bank, t.c.message_id == message_id)
    )


async def lock_sequence(conn: AsyncConnection, bank: str, card_id: int, at: datetime) -> int:
    """The last place used in the card's order, locked until the transaction ends."""
    first = {"bank_code": bank, "card_id": card_id, "last_sequence": 0, "updated_at": at}
    await insert_rows(conn, s, [first], keys=["bank_code", "card_id"], overwrite=False)
    stmt = (
        select(s.c.last_sequence)
        .where(s.c.bank_code == bank, s.c.card_id == card_id)
        .with_for_update()
    )
    return int((await conn.execute(stmt)).scalar_one())


async def set_last(conn: AsyncConnection, bank: str, card_id: int, last: int, at: datetime) -> None:
    """How far the card's order has been applied."""
    await conn.execute(
        update(s)
        .where(s.c.bank_code == bank, s.c.card_id == card_id)
        .values(last_sequence=last, updated_at=at)
    )


async def at_place(conn: AsyncConnection, bank: str, card_id: int, sequence: int) -> Row | None:
    """The report holding this place in the card's order; past the last one, a held-back one."""
    stmt = select(t).where(t.c.bank_code == bank, t.c.card_id == card_id, t.c.sequence == sequence)
    return await fetch_one(conn, stmt)


async def insert_entry(conn: AsyncConnection, values: Row) -> None:
    await conn.execute(insert(t).values(**values))


async def settle(conn: AsyncConnection, bank: str, message_id: str, values: Row) -> None:
    await conn.execute(
        update(t).where(t.c.bank_code == bank, t.c.message_id == message_id).values(**values)
    )


def _with_card() -> Select[tuple[object, ...]]:
    return select(t, cards.c.card_number).join(cards, cards.c.id == t.c.card_id)


async def entry_with_card(conn: AsyncConnection, bank: str, message_id: str) -> Row | None:
    """One report as received, with its card's number."""
    return await fetch_one(
        conn, _with_card().where(t.c.bank_code == bank, t.c.message_id == message_id)
    )


async def page(
    conn: AsyncConnection,
    *,
    bank_code: str | None,
    status: InboxStatus | None,
    card_number: str | None,
    after: tuple[datetime, str, str] | None,
    limit: int,
) -> list[Row]:
    """Reports oldest first, keyset-paged on (received_at, bank, message id)."""
    stmt = _with_card().order_by(t.c.received_at, t.c.bank_code, t.c.message_id)
    if bank_code is not None:
        stmt = stmt.where(t.c.bank_code == bank_code)
    if status is not None:
        stmt = stmt.where(t.c.status == status.value)
    if card_number is not None:
        stmt = stmt.where(cards.c.card_number == card_number)
    if after is not None:
        at, bank, message_id = after
        stmt = stmt.where(
            or_(
                t.c.received_at > at,
                and_(
                    t.c.received_at == at,
                    or_(
                        t.c.bank_code > bank,
                        and_(t.c.bank_code == bank, t.c.message_id > message_id),
                    ),
                ),
            )
        )
    return await fetch_all(conn, stmt.limit(limit))


async def holders_of_cards(conn: AsyncConnection, card_numbers: Iterable[str]) -> list[Row]:
    """For each card number: its bank, city and holder's fields (name, ssn and phone still
    sealed). One query for all of them; a read of cards and the registry (read models)."""
    c, p = cards, persons
    stmt = (
        select(
            c.c.card_number,
            c.c.bank_code,
            c.c.city_code,
            p.c.name_enc,
            p.c.ssn_enc,
            p.c.person_code,
            p.c.birth_date,
            p.c.gender,
            p.c.nationality,
            p.c.phone_enc,
        )
        .join(p, p.c.id == c.c.person_id)
        .where(c.c.card_number.in_(sorted(card_numbers)))
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]
