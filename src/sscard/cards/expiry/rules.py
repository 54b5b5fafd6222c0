"""The window before the 10-year financial validity ends (SPEC ISS-7, REP-2e). Pure."""

from __future__ import annotations

from datetime import date, timedelta

# ISS-7: the holder is reminded, and may apply for the expiry exchange, from this many days
# (calendar days) before the financial function's expiry date.
EXPIRY_WINDOW_DAYS = 90


def expiry_window_opens(expiry: date) -> date:
    """The first day of the expiry window of a card whose financial function ends on `expiry`."""
    return expiry - timedelta(days=EXPIRY_WINDOW_DAYS)


def window_end(today: date, within_days: int = EXPIRY_WINDOW_DAYS) -> date:
    """The last expiry date inside a window of `within_days` from today: cards expiring on or
    before it are in the window (expiry_window_opens(expiry) <= today for the default)."""
    return today + timedelta(days=within_days)
