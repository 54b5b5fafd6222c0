"""Working days under China's statutory holiday calendar (SPEC APP-2, §17). Pure.

The calendar is data: which years are known, which dates are holidays and which weekend dates are
adjusted working days. A date in a year nobody has loaded is reported, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sscard.kernel.errors import DomainError


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
