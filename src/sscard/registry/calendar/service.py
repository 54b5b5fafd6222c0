"""The holiday calendar's use cases: load or correct a year, seed the packaged years (§17)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import chinese_calendar
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import Row
from sscard.kernel.events import publish
from sscard.platform import cache
from sscard.platform.history import Change, record
from sscard.registry.calendar import repository as calendar_repo
from sscard.registry.calendar.events import CalendarYearLoaded
from sscard.registry.calendar.permissions import LOAD_CALENDAR_YEAR
from sscard.registry.calendar.rules import check_year_days


async def load_calendar_year(
    ctx: Ctx,
    year: int,
    holidays: list[tuple[date, str]],
    workdays: list[tuple[date, str]],
    source: str,
) -> dict[str, int]:
    """Load (or correct) one year's statutory holidays and adjusted working days (§17).

    Answers the year, how many special days it has, and what the subscribers to
    CalendarYearLoaded did (applications waiting for the year get their due dates).
    """
    authorize(ctx.actor, LOAD_CALENDAR_YEAR)
    cache.clear()
    check_year_days(year, holidays, workdays)
    days = [{"day": d, "kind": "holiday", "name": n} for d, n in holidays]
    days += [{"day": d, "kind": "workday", "name": n} for d, n in workdays]
    await calendar_repo.replace_calendar_year(ctx.conn, year, days, source, ctx.now)
    await record(
        ctx.conn, ctx.actor, ctx.now, Change("calendar", year, "year_loaded", None, source)
    )
    effects = await publish(ctx, CalendarYearLoaded(year))
    return {"year": year, "special_days": len(days), **effects}


async def known_years(ctx: Ctx) -> list[Row]:
    """The calendar years the service knows, with where each came from (any actor may read)."""
    return await calendar_repo.known_calendar_years(ctx.conn)


CALENDAR_SOURCE = f"chinese-calendar {chinese_calendar.__version__}"


def packaged_calendar_years() -> range:
    """The years the installed chinese-calendar package knows (SPEC §17: 2004 to 2026)."""
    known = [d.year for d in chinese_calendar.holidays]
    return range(min(known), max(known) + 1)


def packaged_calendar_days() -> list[dict[str, Any]]:
    days = [
        {"day": d, "kind": "holiday", "name": str(name)}
        for d, name in chinese_calendar.holidays.items()
    ]
    days += [
        {"day": d, "kind": "workday", "name": str(name)}
        for d, name in chinese_calendar.workdays.items()
    ]
    return days


async def seed_calendar(conn: AsyncConnection, at: datetime) -> int:
    """Seed the years the package knows; years an administrator loaded are left alone."""
    years = [
        {"year": y, "source": CALENDAR_SOURCE, "loaded_at": at} for y in packaged_calendar_years()
    ]
    await calendar_repo.seed_years(conn, years, packaged_calendar_days())
    return len(years)
