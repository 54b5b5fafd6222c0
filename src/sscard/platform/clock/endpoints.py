"""The service clock over HTTP: read it; move it in demo and test mode."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.platform.clock import service as clock
from sscard.platform.clock.schemas import ClockAdvanceIn
from sscard.platform.http.deps import current_actor, read, runtime, write
from sscard.platform.http.guard import GuardedRoute

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/clock", tags=["platform"])


@router.get("", summary="The service's current time and business date")
async def get_clock(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    rt = runtime(request)
    adjustable = rt.settings.adjustable_clock

    async def use_case(ctx: Any) -> Any:
        return clock.read_clock(ctx, rt.clock, adjustable)

    return await read(request, actor, use_case)


@router.post("/advance", summary="Move the clock forward (adjustable mode, admin)")
async def advance_clock(
    body: ClockAdvanceIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    rt = runtime(request)
    delta = timedelta(days=body.days, hours=body.hours, minutes=body.minutes)
    adjustable = rt.settings.adjustable_clock
    return await write(
        request, actor, lambda ctx: clock.advance_clock(ctx, rt.clock, adjustable, delta)
    )
