"""Every query for cancellations and their closure notices."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.cards.cancellation.models import cancellation_representatives, cancellations
from sscard.cards.models import cards
from sscard.kernel.db import Row
from sscard.registry.models import persons
from sscard.registry.reference.models import banks, cities, outlets

_VIEW = select(
    cancellations,
    cards.c.card_number,
    banks.c.name_zh.label("bank_name_zh"),
    banks.c.name_en.label("bank_name_en"),
    cities.c.name_zh.label("city_name_zh"),
    outlets.c.code.label("outlet_code"),
    outlets.c.name_zh.label("outlet_name_zh"),
    persons.c.name_masked.label("person_name_masked"),
    persons.c.ssn_masked.label("person_ssn_masked"),
).select_from(
    cancellations.join(cards, cards.c.id == cancellations.c.card_id)
    .join(banks, banks.c.code == cancellations.c.bank_code)
    .join(cities, cities.c.code == cancellations.c.city_code)
    .join(outlets, outlets.c.id == cancellations.c.outlet_id)
    .join(persons, persons.c.id == cancellations.c.person_id)
)


async def insert_cancellation(conn: AsyncConnection, values: Row) -> int:
    stmt = insert(cancellations).values(**values).returning(cancellations.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def insert_representative(conn: AsyncConnection, values: Row) -> None:
    await conn.execute(insert(cancellation_representatives).values(**values))


async def get_by_reference(conn: AsyncConnection, reference: str) -> Row | None:
    r = (await conn.execute(_VIEW.where(cancellations.c.reference == reference))).first()
    return dict(r._mapping) if r else None


async def get_by_card_number(conn: AsyncConnection, card_number: str) -> Row | None:
    """The cancellation of a card (at most one: card_id is unique)."""
    r = (await conn.execute(_VIEW.where(cards.c.card_number == card_number))).first()
    return dict(r._mapping) if r else None


async def representative_of(conn: AsyncConnection, cancellation_id: int) -> Row | None:
    stmt = select(cancellation_representatives).where(
        cancellation_representatives.c.cancellation_id == cancellation_id
    )
    r = (await conn.execute(stmt)).first()
    return dict(r._mapping) if r else None


async def list_page(
    conn: AsyncConnection,
    *,
    bank_code: str | None,
    city_code: str | None,
    card_number: str | None,
    after: int,
    limit: int,
) -> list[Row]:
    """Keyset page on id; the bank and city filters ride their (code, id) indexes."""
    stmt = _VIEW.where(cancellations.c.id > after)
    if bank_code is not None:
        stmt = stmt.where(cancellations.c.bank_code == bank_code)
    if city_code is not None:
        stmt = stmt.where(cancellations.c.city_code == city_code)
    if card_number is not None:
        stmt = stmt.where(cards.c.card_number == card_number)
    stmt = stmt.order_by(cancellations.c.id).limit(limit)
    return [dict(r._mapping) for r in await conn.execute(stmt)]
