"""Every query of reference data: cities, banks, outlets, hotlines, city policies."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.db import Row, fetch_all
from sscard.kernel.upsert import insert_rows
from sscard.registry.reference.entities import Bank, City, Outlet
from sscard.registry.reference.models import (
    banks,
    cities,
    city_banks,
    city_policies,
    hotlines,
    outlets,
)
from sscard.registry.reference.policy import CityPolicy


async def list_cities(conn: AsyncConnection) -> list[City]:
    return [
        City.from_row(r._mapping)
        for r in await conn.execute(select(cities).order_by(cities.c.code))
    ]


async def get_city(conn: AsyncConnection, code: str) -> City | None:
    r = (await conn.execute(select(cities).where(cities.c.code == code))).first()
    return City.from_row(r._mapping) if r else None


async def list_banks(conn: AsyncConnection) -> list[Bank]:
    return [
        Bank.from_row(r._mapping) for r in await conn.execute(select(banks).order_by(banks.c.code))
    ]


async def city_bank_codes(conn: AsyncConnection, city_code: str) -> list[str]:
    stmt = (
        select(city_banks.c.bank_code)
        .where(city_banks.c.city_code == city_code)
        .order_by(city_banks.c.bank_code)
    )
    return list((await conn.execute(stmt)).scalars())


async def replace_city_banks(
    conn: AsyncConnection, city_code: str, bank_codes: Iterable[str], source: str
) -> None:
    await conn.execute(delete(city_banks).where(city_banks.c.city_code == city_code))
    rows = [{"city_code": city_code, "bank_code": b, "source": source} for b in bank_codes]
    if rows:
        await conn.execute(insert(city_banks), rows)


async def existing_bank_codes(conn: AsyncConnection, codes: Iterable[str]) -> set[str]:
    stmt = select(banks.c.code).where(banks.c.code.in_(list(codes)))
    return set((await conn.execute(stmt)).scalars())


async def list_outlets(conn: AsyncConnection, city_code: str | None = None) -> list[Outlet]:
    stmt = select(outlets).order_by(outlets.c.code)
    if city_code:
        stmt = stmt.where(outlets.c.city_code == city_code)
    return [Outlet.from_row(r._mapping) for r in await conn.execute(stmt)]


async def get_outlet(conn: AsyncConnection, outlet_id: int) -> Outlet | None:
    r = (await conn.execute(select(outlets).where(outlets.c.id == outlet_id))).first()
    return Outlet.from_row(r._mapping) if r else None


async def get_outlet_by_code(conn: AsyncConnection, code: str) -> Outlet | None:
    r = (await conn.execute(select(outlets).where(outlets.c.code == code))).first()
    return Outlet.from_row(r._mapping) if r else None


async def update_outlet(conn: AsyncConnection, code: str, values: Row) -> None:
    await conn.execute(update(outlets).where(outlets.c.code == code).values(**values))


async def list_hotlines(conn: AsyncConnection, city_code: str | None = None) -> list[Row]:
    stmt = select(hotlines).order_by(hotlines.c.service, hotlines.c.id)
    if city_code:
        stmt = stmt.where((hotlines.c.city_code == city_code) | hotlines.c.city_code.is_(None))
    return await fetch_all(conn, stmt)


async def city_policies_of(conn: AsyncConnection, city_code: str) -> list[CityPolicy]:
    """The city's policies, oldest first, as the rules read them."""
    return [
        CityPolicy.from_rules(r["city_code"], r["effective_from"], r["rules"])
        for r in await policy_rows(conn, city_code)
    ]


async def policy_rows(conn: AsyncConnection, city_code: str) -> list[Row]:
    """The city's stored policy rows (rules, source, note), oldest first."""
    stmt = (
        select(city_policies)
        .where(city_policies.c.city_code == city_code)
        .order_by(city_policies.c.effective_from)
    )
    return await fetch_all(conn, stmt)


async def put_policy(conn: AsyncConnection, row: Row) -> None:
    """Store a city's policy from its effective date, replacing one set for the same date."""
    await insert_rows(
        conn, city_policies, [row], keys=["city_code", "effective_from"], overwrite=True
    )
