"""The bank's clock: system time plus an offset that the test controls may move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class AdjustableClock:
    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def set_offset(self, offset: timedelta) -> None:
        self.offset = offset


def wall_now() -> datetime:
    """The system's time, UTC: what a broker stamps stored messages with."""
    return datetime.now(UTC)
