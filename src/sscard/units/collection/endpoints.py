"""Collection by the unit over HTTP (SPEC ISS-3, ISS-4, APP-3): hand a batch's cards to the
agent or send them by logistics, record the delivery, record the signed list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import Field

from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers
from sscard.units.collection import service
from sscard.units.collection.schemas import (
    HandoverView,
    HandToAgentIn,
    ReturnIn,
    SendByLogisticsIn,
)

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/units", tags=["units"])
HandoverIn = Annotated[HandToAgentIn | SendByLogisticsIn, Field(discriminator="mode")]


@router.post(
    "/batches/{reference}/handovers",
    status_code=201,
    summary="Hand the batch's cards at the outlet to the unit's agent, or send them (ISS-3)",
    responses=answers(HandoverView, 201),
)
async def hand_over(
    request: Request, reference: str, body: HandoverIn, actor: Actor = Depends(current_actor)
) -> Response:
    if isinstance(body, HandToAgentIn):
        document = body.document.domain()
        return await write(
            request,
            actor,
            lambda ctx: service.hand_to_agent(ctx, reference, document),
            status=201,
        )
    logistics = body.domain()
    return await write(
        request,
        actor,
        lambda ctx: service.send_by_logistics(ctx, reference, logistics),
        status=201,
    )


@router.get(
    "/batches/{reference}/handovers",
    summary="The batch's hand-overs with their distribution lists (ISS-3)",
    responses=answers(list[HandoverView]),  # type: ignore[arg-type]
)
async def handovers(request: Request, reference: str, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, lambda ctx: service.handovers_of_batch(ctx, reference))


@router.get(
    "/handovers/{reference}",
    summary="A hand-over and its distribution list (单位发放明细表, ISS-3)",
    responses=answers(HandoverView),
)
async def handover(request: Request, reference: str, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, lambda ctx: service.handover(ctx, reference))


@router.post(
    "/handovers/{reference}/delivery",
    summary="The carrier delivered the cards to the unit (APP-3)",
    responses=answers(HandoverView),
)
async def delivery(
    request: Request, reference: str, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: service.record_delivery(ctx, reference))


@router.post(
    "/handovers/{reference}/return",
    summary="Record the signed list: each card handed out (collected) or back to stock (ISS-3)",
    responses=answers(HandoverView),
)
async def record_return(
    request: Request, reference: str, body: ReturnIn, actor: Actor = Depends(current_actor)
) -> Response:
    outcomes = body.domain()
    return await write(request, actor, lambda ctx: service.record_return(ctx, reference, outcomes))
