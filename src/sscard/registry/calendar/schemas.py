"""Request bodies of the holiday calendar (SPEC APP-2, §17)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from sscard.platform.http.request import Body


class SpecialDayIn(Body):
    day: date
    name: str = Field(min_length=1, max_length=64)


class CalendarYearIn(Body):
    holidays: list[SpecialDayIn]
    adjusted_workdays: list[SpecialDayIn] = Field(
        default_factory=list, description="weekend days that are working days (调休上班)"
    )
    source: str = Field(min_length=1, max_length=64, examples=["国务院办公厅通知 2027"])

    def special_days(self) -> tuple[list[tuple[date, str]], list[tuple[date, str]]]:
        """(holidays, adjusted workdays) as (day, name) pairs, as the service takes them."""
        return (
            [(d.day, d.name) for d in self.holidays],
            [(d.day, d.name) for d in self.adjusted_workdays],
        )
