"""The one source of "now". Tests and demo mode move it; nothing else reads the system time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Protocol

# China has had one offset and no daylight saving since 1991; business dates are Beijing dates.
CHINA = timezone(timedelta(hours=8), "CST")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock time, UTC."""

    adjustable = False

    def now(self) -> datetime:
        return datetime.now(UTC)


class AdjustableClock:
    """System time plus an offset an administrator may move forward (demo and test mode only)."""

    adjustable = True

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta

    def set_offset(self, offset: timedelta) -> None:
        self.offset = offset


def business_date(moment: datetime) -> date:
    """The Beijing calendar date of a moment; deadlines and issue dates are counted in it."""
    return moment.astimezone(CHINA).date()


class ManualClock:
    """A clock that stands still until moved; for tests that need exact dates."""

    adjustable = False

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("naive datetime")
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta

    def set(self, moment: datetime) -> None:
        self.current = moment
