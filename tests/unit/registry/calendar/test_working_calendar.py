"""Working days as data: holidays, adjusted workdays, unknown years (SPEC APP-2, §17)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sscard.kernel.errors import InvalidInput
from sscard.registry.calendar.rules import (
    CalendarWindowExceeded,
    UnknownCalendarYear,
    WorkingCalendar,
    check_year_days,
)
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


def _real_2026() -> tuple[list[tuple[date, str]], list[tuple[date, str]]]:
    import chinese_calendar

    days = [date(2026, 1, 1) + timedelta(i) for i in range(365)]
    holidays = [(d, "假") for d in days if d.weekday() < 5 and not chinese_calendar.is_workday(d)]
    workdays = [(d, "班") for d in days if d.weekday() >= 5 and chinese_calendar.is_workday(d)]
    return holidays, workdays


def test_a_real_year_is_plausible() -> None:
    check_year_days(2026, *_real_2026())


@pytest.mark.parametrize(
    "extra",
    [
        [date(2026, 1, d) for d in range(1, 32) if date(2026, 1, d).weekday() < 5],
        [date(2026, 1, 1) + timedelta(i) for i in range(365)],
    ],
    ids=["every-january-weekday", "every-day"],
)
def test_a_year_no_country_has_is_refused(extra: list[date]) -> None:
    """Issue 11: such a year made the next fast application's due date fall outside the days
    read for it (a 500); now the year is refused when loaded, naming `holidays` (APP-2)."""
    holidays, workdays = _real_2026()
    known = {d for d, _ in holidays + workdays}
    holidays += [(d, "x") for d in extra if d not in known]
    with pytest.raises(InvalidInput) as refused:
        check_year_days(2026, holidays, workdays)
    assert refused.value.field == "holidays"


def test_a_year_with_no_holidays_is_refused() -> None:
    with pytest.raises(InvalidInput):
        check_year_days(2027, [], [])


def test_counting_past_the_window_says_why() -> None:
    cal = WorkingCalendar(
        frozenset({2026}), frozenset(), frozenset(), window=(date(2026, 1, 1), date(2026, 1, 5))
    )
    with pytest.raises(CalendarWindowExceeded):
        cal.add_working_days(date(2026, 1, 1), 10)
