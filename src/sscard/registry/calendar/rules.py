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
            raise ValueError(f"{day} is outside the loaded window {self.window}")
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
