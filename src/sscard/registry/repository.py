"""Every query of the registry: reference data, the calendar and persons."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.registry.calendar.rules import WorkingCalendar
from sscard.registry.models import (
    banks,
    base_data_corrections,
    calendar_days,
    calendar_years,
    cities,
    city_banks,
    city_policies,
    hotlines,
    identity_documents,
    outlets,
    person_photos,
    persons,
)
from sscard.registry.reference.policy import CityPolicy

Row = dict[str, Any]


async def _rows(conn: AsyncConnection, stmt: Any) -> list[Row]:
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def _row(conn: AsyncConnection, stmt: Any) -> Row | None:
    r = (await conn.execute(stmt)).first()
    return dict(r._mapping) if r else None


# ---- reference data ----


async def list_cities(conn: AsyncConnection) -> list[Row]:
    return await _rows(conn, select(cities).order_by(cities.c.code))


async def get_city(conn: AsyncConnection, code: str) -> Row | None:
    return await _row(conn, select(cities).where(cities.c.code == code))


async def list_banks(conn: AsyncConnection) -> list[Row]:
    return await _rows(conn, select(banks).order_by(banks.c.code))


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


async def list_outlets(conn: AsyncConnection, city_code: str | None = None) -> list[Row]:
    stmt = select(outlets).order_by(outlets.c.code)
    if city_code:
        stmt = stmt.where(outlets.c.city_code == city_code)
    return await _rows(conn, stmt)


async def get_outlet(conn: AsyncConnection, outlet_id: int) -> Row | None:
    return await _row(conn, select(outlets).where(outlets.c.id == outlet_id))


async def get_outlet_by_code(conn: AsyncConnection, code: str) -> Row | None:
    return await _row(conn, select(outlets).where(outlets.c.code == code))


async def update_outlet(conn: AsyncConnection, code: str, values: Row) -> None:
    await conn.execute(update(outlets).where(outlets.c.code == code).values(**values))


async def list_hotlines(conn: AsyncConnection, city_code: str | None = None) -> list[Row]:
    stmt = select(hotlines).order_by(hotlines.c.service, hotlines.c.id)
    if city_code:
        stmt = stmt.where((hotlines.c.city_code == city_code) | hotlines.c.city_code.is_(None))
    return await _rows(conn, stmt)


async def city_policies_of(conn: AsyncConnection, city_code: str) -> list[CityPolicy]:
    stmt = (
        select(city_policies)
        .where(city_policies.c.city_code == city_code)
        .order_by(city_policies.c.effective_from)
    )
    return [
        CityPolicy.from_rules(r["city_code"], r["effective_from"], r["rules"])
        for r in await _rows(conn, stmt)
    ]


async def policy_rows(conn: AsyncConnection, city_code: str) -> list[Row]:
    stmt = (
        select(city_policies)
        .where(city_policies.c.city_code == city_code)
        .order_by(city_policies.c.effective_from)
    )
    return await _rows(conn, stmt)


# ---- calendar ----


async def calendar_window(conn: AsyncConnection, start: date, days: int) -> WorkingCalendar:
    """The calendar for the days from `start` on: enough for a deadline, a few rows to read."""
    end = start + timedelta(days=days)
    years = select(calendar_years.c.year).where(calendar_years.c.year.between(start.year, end.year))
    special = select(calendar_days.c.day, calendar_days.c.kind).where(
        calendar_days.c.day.between(start, end)
    )
    rows = (await conn.execute(special)).all()
    return WorkingCalendar(
        known_years=frozenset((await conn.execute(years)).scalars()),
        holidays=frozenset(r.day for r in rows if r.kind == "holiday"),
        adjusted_workdays=frozenset(r.day for r in rows if r.kind == "workday"),
        window=(start, end),
    )


async def known_calendar_years(conn: AsyncConnection) -> list[Row]:
    return await _rows(conn, select(calendar_years).order_by(calendar_years.c.year))


async def replace_calendar_year(
    conn: AsyncConnection, year: int, days: list[Row], source: str, at: Any
) -> None:
    span = calendar_days.c.day.between(date(year, 1, 1), date(year, 12, 31))
    await conn.execute(delete(calendar_days).where(span))
    if days:
        await conn.execute(insert(calendar_days), days)
    await conn.execute(delete(calendar_years).where(calendar_years.c.year == year))
    await conn.execute(insert(calendar_years).values(year=year, source=source, loaded_at=at))


# ---- persons ----


async def person_id_by_ssn_index(conn: AsyncConnection, ssn_index: str) -> int | None:
    stmt = select(persons.c.id).where(persons.c.ssn_index == ssn_index)
    return (await conn.execute(stmt)).scalar_one_or_none()


async def person_id_by_document(
    conn: AsyncConnection, doc_type: str, number_index: str
) -> int | None:
    stmt = select(identity_documents.c.person_id).where(
        and_(
            identity_documents.c.doc_type == doc_type,
            identity_documents.c.number_index == number_index,
        )
    )
    return (await conn.execute(stmt)).scalar_one_or_none()


async def get_person(conn: AsyncConnection, person_id: int) -> Row | None:
    return await _row(conn, select(persons).where(persons.c.id == person_id))


async def insert_person(conn: AsyncConnection, values: Row) -> int:
    return (
        await conn.execute(insert(persons).values(**values).returning(persons.c.id))
    ).scalar_one()


async def insert_document(conn: AsyncConnection, values: Row) -> None:
    await conn.execute(insert(identity_documents).values(**values))


async def save_photo(conn: AsyncConnection, values: Row) -> None:
    await conn.execute(
        delete(person_photos).where(person_photos.c.person_id == values["person_id"])
    )
    await conn.execute(insert(person_photos).values(**values))


async def photo_taken_at(conn: AsyncConnection, person_id: int) -> Any:
    stmt = select(person_photos.c.checked_at).where(person_photos.c.person_id == person_id)
    return (await conn.execute(stmt)).scalar_one_or_none()


async def last_correction_at(conn: AsyncConnection, person_id: int) -> Any:
    """REP-2b: when the person's base data was last corrected, if ever."""
    stmt = select(func.max(base_data_corrections.c.corrected_at)).where(
        base_data_corrections.c.person_id == person_id
    )
    return (await conn.execute(stmt)).scalar_one_or_none()


async def insert_correction(conn: AsyncConnection, values: Row) -> None:
    await conn.execute(insert(base_data_corrections).values(**values))


async def update_person(conn: AsyncConnection, person_id: int, values: Row) -> None:
    await conn.execute(update(persons).where(persons.c.id == person_id).values(**values))


async def update_document(conn: AsyncConnection, person_id: int, doc_type: str, values: Row) -> int:
    stmt = (
        update(identity_documents)
        .where(
            identity_documents.c.person_id == person_id,
            identity_documents.c.doc_type == doc_type,
        )
        .values(**values)
    )
    return (await conn.execute(stmt)).rowcount
