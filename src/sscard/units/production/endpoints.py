"""A batch's progress (the unit's agent, the outlet, the card centre) and the centre's
production of a whole batch at once (issue 13 item 8; SPEC APP-3, APP-7, ISS-1)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import cursor
from sscard.platform.http.schemas import answers
from sscard.platform.paging import page
from sscard.units.production import service
from sscard.units.production.schemas import (
    BatchPage,
    BatchProgressView,
    DeliveredView,
    FinishedView,
    MemberPage,
    StartedView,
)

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/units", tags=["units"])


@router.get(
    "/batches/progress",
    summary="The batches the caller sees, each with its progress (APP-3, APP-7)",
    responses=answers(BatchPage),
)
async def list_batches(
    request: Request,
    actor: Actor = Depends(current_actor),
    city_code: str | None = Query(None, pattern=r"^32[0-9]{2}$"),
    in_production_queue: bool = Query(
        False, description="only batches with cards the centre has still to make or deliver"
    ),
    after: int = cursor(),
    limit: int = Query(50, ge=1, le=500),
) -> Any:
    f = service.BatchFilter(city_code, in_production_queue, after, limit)
    return await read(request, actor, lambda ctx: page(service.list_batches(ctx, f)))


@router.get(
    "/batches/{reference}",
    summary="A batch's progress: members per status, photos owed, due date (APP-3, APP-7)",
    responses=answers(BatchProgressView),
)
async def batch_progress(
    request: Request, reference: str, actor: Actor = Depends(current_actor)
) -> Any:
    return await read(request, actor, lambda ctx: service.batch_progress(ctx, reference))


@router.get(
    "/batches/{reference}/members",
    summary="A page of the batch's members, masked, with their applications' status (APP-7)",
    responses=answers(MemberPage),
)
async def batch_members(
    request: Request,
    reference: str,
    actor: Actor = Depends(current_actor),
    after: int = Query(0, ge=0, le=10_000_000, description="the last row number of a page"),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    return await read(
        request, actor, lambda ctx: page(service.batch_members(ctx, reference, after, limit))
    )


@router.post(
    "/batches/{reference}/start-production",
    summary="Start production for the whole batch, members owing a photo left out (APP-3/5)",
    responses=answers(StartedView),
)
async def start_production(
    request: Request, reference: str, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: service.start_production(ctx, reference))


@router.post(
    "/batches/{reference}/finish-production",
    summary="Finish production for every member of the batch in production (ISS-1)",
    responses=answers(FinishedView),
)
async def finish_production(
    request: Request, reference: str, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: service.finish_production(ctx, reference))


@router.post(
    "/batches/{reference}/deliver-to-outlet",
    summary="Deliver every produced card of the batch to its outlet",
    responses=answers(DeliveredView),
)
async def deliver_to_outlet(
    request: Request, reference: str, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: service.deliver_to_outlet(ctx, reference))
