"""Working days under China's statutory holiday calendar (SPEC APP-2, §17). Pure.

The calendar is data: which years are known, which dates are holidays and which weekend dates are
adjusted working days. A date in a year nobody has loaded is reported, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sscard.kernel.errors import DomainError, invalid


class UnknownCalendarYear(DomainError):
    code = "calendar_year_unknown"
    status = 409
    rule = "APP-2"
    message_zh = "{year}年的法定节假日安排尚未载入，无法计算工作日"
    message_en = (
        "The statutory holiday calendar for {year} is not loaded; working days cannot be counted"
    )

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(field=None, year=year)


class CalendarWindowExceeded(DomainError):
    """Working days were counted past the days read for them: a loaded year holds far fewer
    working days than any real one (years loaded before check_year_days refused such)."""

    code = "calendar_window_exceeded"
    status = 409
    rule = "APP-2"
    message_zh = "{first}至{last}之间的工作日过少，无法计算办结日期，请核对已载入的节假日安排"
    message_en = (
        "Too few working days between {first} and {last} to count a due date; check the "
        "loaded holiday calendar"
    )


# What a real year holds (2004-2026: 248-252 working days, 16-23 weekday holidays, no run of
# more than 9 days without work): a loaded year far outside it is a mistake, not a calendar.
WORKING_DAYS_PER_YEAR = (240, 260)
MOST_WEEKDAY_HOLIDAYS = 30
LONGEST_BREAK_DAYS = 12


@dataclass(frozen=True)
class WorkingCalendar:
    known_years: frozenset[int]
    holidays: frozenset[date]
    adjusted_workdays: frozenset[date]
    window: tuple[date, date] | None = None  # loaded only for these days, when set

    def is_working_day(self, day: date) -> bool:
        if day.year not in self.known_years:
            raise UnknownCalendarYear(day.year)
        if self.window and not self.window[0] <= day <= self.window[1]:
            raise CalendarWindowExceeded(field=None, first=self.window[0], last=self.window[1])
        if day in self.adjusted_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, count: int) -> date:
        """The date `count` working days after `start` (start itself is not counted)."""
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day


def check_year_days(
    year: int, holidays: list[tuple[date, str]], workdays: list[tuple[date, str]]
) -> None:
    """A year's special days as an administrator gives them (§17): the year 2000..2100, each
    day in it, no day twice, adjusted working days on weekends; InvalidInput names the field."""
    if not 2000 <= year <= 2100:
        raise invalid("year", "年份须在2000至2100之间", "must be between 2000 and 2100")
    for field, days in (("holidays", holidays), ("adjusted_workdays", workdays)):
        for i, (day, _name) in enumerate(days):
            if day.year != year:
                raise invalid(f"{field}.{i}.day", f"不在{year}年内", f"is not in {year}")
    seen: set[date] = set()
    for field, days in (("holidays", holidays), ("adjusted_workdays", workdays)):
        for i, (day, _name) in enumerate(days):
            if day in seen:
                zh, en = f"{day.isoformat()}已列出过一次", f"{day.isoformat()} is already listed"
                raise invalid(f"{field}.{i}.day", zh, en)
            seen.add(day)
    for i, (day, _name) in enumerate(workdays):
        if day.weekday() < 5:
            raise invalid(
                f"adjusted_workdays.{i}.day",
                "调休上班日须为周末",
                "an adjusted working day must be a Saturday or Sunday",
            )
    _check_plausible(year, {d for d, _ in holidays}, {d for d, _ in workdays})


def _check_plausible(year: int, holidays: set[date], workdays: set[date]) -> None:
    """The year as a whole looks like a real one (APP-2): enough working days, not too many
    weekday holidays, no break longer than LONGEST_BREAK_DAYS. InvalidInput on `holidays`."""
    first, days = date(year, 1, 1), (date(year + 1, 1, 1) - date(year, 1, 1)).days
    working = [
        d in workdays or (d.weekday() < 5 and d not in holidays)
        for d in (first + timedelta(i) for i in range(days))
    ]
    weekday_holidays = sum(1 for d in holidays if d.weekday() < 5)
    low, high = WORKING_DAYS_PER_YEAR
    if not low <= sum(working) <= high:
        raise invalid(
            "holidays",
            f"全年工作日为{sum(working)}天，应在{low}至{high}天之间",
            f"the year would have {sum(working)} working days; a real one has {low} to {high}",
        )
    if weekday_holidays > MOST_WEEKDAY_HOLIDAYS:
        raise invalid(
            "holidays",
            f"工作日放假{weekday_holidays}天，超过{MOST_WEEKDAY_HOLIDAYS}天",
            f"{weekday_holidays} weekday holidays; a real year has at most {MOST_WEEKDAY_HOLIDAYS}",
        )
    longest = max(len(run) for run in "".join("x" if w else "." for w in working).split("x"))
    if longest > LONGEST_BREAK_DAYS:
        raise invalid(
            "holidays",
            f"连续{longest}天不上班，超过{LONGEST_BREAK_DAYS}天",
            f"{longest} days in a row without work; a real year has at most {LONGEST_BREAK_DAYS}",
        )
