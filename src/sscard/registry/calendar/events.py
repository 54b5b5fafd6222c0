"""What happens to the holiday calendar, for other contexts to react to (SPEC APP-2, §17)."""

from __future__ import annotations

from dataclasses import dataclass

from sscard.kernel.events import Event


@dataclass(frozen=True)
class CalendarYearLoaded(Event):
    """A year's holidays and adjusted working days were loaded or corrected: deadlines that
    waited for it can now be counted (applications settle their due dates)."""

    year: int
