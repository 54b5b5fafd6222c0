"""Calendar years, actors and the clock: the administrator's platform endpoints."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.actors import service as actors
from sscard.actors.schemas import ActorIn
from sscard.applications.service import settle_due_dates
from sscard.kernel.actor import Actor, authorize
from sscard.kernel.clock import business_date
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError
from sscard.kernel.runtime import save_clock_offset
from sscard.platform.clock.permissions import MOVE_CLOCK
from sscard.platform.clock.schemas import ClockAdvanceIn
from sscard.platform.http.deps import current_actor, read, write
from sscard.registry.calendar import repository as calendar_repo
from sscard.registry.calendar import service as calendar
from sscard.registry.calendar.schemas import CalendarYearIn

router = APIRouter(prefix="/api/v1", tags=["platform"])


@router.get("/me", summary="Who the token belongs to")
async def me(actor: Actor = Depends(current_actor)) -> Any:
    return {
        "id": actor.id,
        "role": actor.role,
        "channel": actor.channel,
        "display_name": actor.display_name,
        "outlet_id": actor.outlet_id,
        "city_code": actor.city_code,
        "bank_code": actor.bank_code,
    }


@router.get("/calendar/years", summary="Calendar years known, with their source")
async def calendar_years(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, lambda ctx: calendar_repo.known_calendar_years(ctx.conn))


@router.put(
    "/calendar/years/{year}",
    summary="Load a year's statutory holidays and adjusted working days (admin)",
    description="Applications waiting for this year get their due dates in the same transaction.",
)
async def put_calendar_year(
    year: int, body: CalendarYearIn, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    rt = request.app.state.runtime
    async with rt.unit(actor) as ctx:
        loaded = await calendar.load_calendar_year(
            ctx,
            year,
            [(d.day, d.name) for d in body.holidays],
            [(d.day, d.name) for d in body.adjusted_workdays],
            body.source,
        )
        settled = await settle_due_dates(ctx, year)
    return {"year": year, "special_days": loaded, "applications_given_due_dates": settled}


@router.post("/actors", status_code=201, summary="Create an actor and its token (admin)")
async def create_actor(
    body: ActorIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        new = actors.NewActor(
            body.role,
            body.display_name,
            body.outlet_code,
            body.bank_code,
            body.city_code,
            body.person_id,
            body.unit_code,
        )
        actor_id, token = await actors.create_actor(ctx, new)
        return {"id": actor_id, "role": body.role, "token": token}

    return await write(request, actor, use_case, status=201)


@router.get("/actors", summary="All actors (admin); tokens are never shown again")
async def list_actors(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, actors.list_actors)


@router.post("/actors/{actor_id}/deactivate", summary="Stop an actor's token working (admin)")
async def deactivate(
    actor_id: int, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        await actors.deactivate_actor(ctx, actor_id)
        return {"id": actor_id, "active": False}

    return await write(request, actor, use_case)


class ClockNotAdjustable(DomainError):
    code = "clock_not_adjustable"
    status = 409
    message_zh = "服务未以可调时钟模式运行（SSCARD_CLOCK=adjustable）"
    message_en = "The service does not run with an adjustable clock (SSCARD_CLOCK=adjustable)"


@router.get("/clock", summary="The service's current time and business date")
async def get_clock(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    async def use_case(ctx: Ctx) -> Any:
        offset = getattr(request.app.state.runtime.clock, "offset", timedelta(0))
        return _clock_body(request, ctx.now, offset)

    return await read(request, actor, use_case)


@router.post("/clock/advance", summary="Move the clock forward (adjustable mode, admin)")
async def advance_clock(
    body: ClockAdvanceIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    rt = request.app.state.runtime
    authorize(actor, MOVE_CLOCK)  # who may, before whether it can
    if not rt.settings.adjustable_clock:
        raise ClockNotAdjustable()
    delta = timedelta(days=body.days, hours=body.hours, minutes=body.minutes)

    async def use_case(ctx: Ctx) -> Any:
        authorize(ctx.actor, MOVE_CLOCK)
        # The unit has just read the stored offset into the clock; ctx.now is that moment.
        await save_clock_offset(ctx.conn, rt.clock.offset + delta)
        return _clock_body(request, ctx.now + delta, rt.clock.offset + delta)

    return await write(request, actor, use_case)


def _clock_body(request: Request, now: datetime, offset: timedelta) -> dict[str, Any]:
    return {
        "now": now,
        "business_date": business_date(now),
        "adjustable": request.app.state.runtime.settings.adjustable_clock,
        "offset_seconds": offset.total_seconds(),
    }
