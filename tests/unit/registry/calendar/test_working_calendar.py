"""Working days as data: holidays, adjusted workdays, unknown years (SPEC APP-2, §17)."""

from __future__ import annotations

from datetime import date

import pytest

from sscard.registry.calendar.rules import UnknownCalendarYear, WorkingCalendar
from sscard.registry.calendar.service import packaged_calendar_days


def packaged() -> WorkingCalendar:
    days = packaged_calendar_days()
    return WorkingCalendar(
        known_years=frozenset(range(2004, 2027)),
        holidays=frozenset(d["day"] for d in days if d["kind"] == "holiday"),
        adjusted_workdays=frozenset(d["day"] for d in days if d["kind"] == "workday"),
    )


def test_spring_festival_2026_and_its_adjusted_weekend() -> None:
    cal = packaged()
    assert not cal.is_working_day(date(2026, 2, 17))  # Spring Festival
    assert cal.is_working_day(date(2026, 2, 14))  # adjusted Saturday
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)


def test_unknown_year_is_reported() -> None:
    with pytest.raises(UnknownCalendarYear):
        packaged().is_working_day(date(2027, 1, 4))
