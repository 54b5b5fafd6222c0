"""The holiday calendar over HTTP: the years known, and loading a year (SPEC APP-2, §17)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read, write
from sscard.platform.http.guard import GuardedRoute
from sscard.registry.calendar import service as calendar
from sscard.registry.calendar.schemas import CalendarYearIn

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/calendar", tags=["calendar"])


@router.get("/years", summary="Calendar years known, with their source")
async def calendar_years(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, calendar.known_years)


@router.put(
    "/years/{year}",
    summary="Load a year's statutory holidays and adjusted working days (admin)",
    description="Applications waiting for this year get their due dates in the same transaction.",
)
async def put_calendar_year(
    year: int, body: CalendarYearIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    holidays, workdays = body.special_days()
    return await write(
        request,
        actor,
        lambda ctx: calendar.load_calendar_year(ctx, year, holidays, workdays, body.source),
    )
