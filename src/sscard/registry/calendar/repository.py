"""Every query of the holiday calendar."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.db import Row, fetch_all
from sscard.kernel.upsert import insert_rows
from sscard.registry.calendar.models import calendar_days, calendar_years
from sscard.registry.calendar.rules import WorkingCalendar


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
    return await fetch_all(conn, select(calendar_years).order_by(calendar_years.c.year))


async def replace_calendar_year(
    conn: AsyncConnection, year: int, days: list[Row], source: str, at: Any
) -> None:
    span = calendar_days.c.day.between(date(year, 1, 1), date(year, 12, 31))
    await conn.execute(delete(calendar_days).where(span))
    if days:
        await conn.execute(insert(calendar_days), days)
    await conn.execute(delete(calendar_years).where(calendar_years.c.year == year))
    await conn.execute(insert(calendar_years).values(year=year, source=source, loaded_at=at))


async def seed_years(conn: AsyncConnection, years: list[Row], days: list[Row]) -> None:
    """Insert calendar years and their special days that are not there yet; what an
    administrator loaded (an existing year or day) is left as it is."""
    await insert_rows(conn, calendar_years, years, keys=["year"], overwrite=False)
    await insert_rows(conn, calendar_days, days, keys=["day"], overwrite=False)
