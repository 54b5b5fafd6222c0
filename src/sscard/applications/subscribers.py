"""How applications react to other contexts' events, in the transaction that published them."""

from __future__ import annotations

from collections.abc import Sequence

from sscard.applications.service import settle_due_dates
from sscard.kernel.ctx import Ctx
from sscard.kernel.events import Tally
from sscard.registry.calendar.events import CalendarYearLoaded


async def on_calendar_year_loaded(ctx: Ctx, events: Sequence[CalendarYearLoaded]) -> Tally:
    """SPEC APP-2, §17: applications whose due date waited for the year get it now."""
    settled = 0
    for event in events:
        settled += await settle_due_dates(ctx, event.year)
    return {"applications_given_due_dates": settled}
