"""Applications: submit, follow, produce, deliver, collect, withdraw (SPEC APP-1..8, ISS-1..4;
issue 11)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from sscard.applications import service
from sscard.applications.lifecycle import ApplicationEvent, ApplicationStatus, DeliveryMode
from sscard.applications.schemas import (
    ApplicationIn,
    ApplicationPage,
    ApplicationView,
    CollectIn,
    WithdrawIn,
)
from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import TransitionIn, cursor
from sscard.platform.http.schemas import answers
from sscard.platform.paging import page

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/applications", tags=["applications"])


@router.post(
    "",
    status_code=201,
    summary="Submit a first application at the clerk's outlet",
    responses=answers(ApplicationView, 201),
)
async def submit(
    body: ApplicationIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(
        request,
        actor,
        lambda ctx: service.submit_first_application(ctx, body.domain()),
        status=201,
    )


@router.get(
    "",
    summary="List applications the caller may see (keyset paging)",
    responses=answers(ApplicationPage),
)
async def list_applications(
    request: Request,
    actor: Actor = Depends(current_actor),
    city_code: str | None = Query(None, pattern=r"^32[0-9]{2}$"),
    outlet_code: str | None = None,
    status: ApplicationStatus | None = None,
    overdue: bool = Query(False, description="only work past its due date (SPEC APP-7)"),
    due_unknown: bool = Query(False, description="only work waiting for a calendar year"),
    delivery_mode: DeliveryMode | None = Query(
        None, description="online applications whose card is mailed (ems) or sent on (outlet)"
    ),
    after: int = cursor(),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    f = service.ListFilter(
        city_code=city_code,
        outlet_code=outlet_code,
        status=status,
        overdue=overdue,
        due_unknown=due_unknown,
        delivery_mode=delivery_mode,
        after_id=after,
        limit=limit,
    )

    return await read(request, actor, lambda ctx: page(service.list_applications(ctx, f)))


@router.get(
    "/{reference}",
    summary="An application with its progress and due date (APP-7)",
    responses=answers(ApplicationView),
)
async def get_application(
    reference: str, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    return await read(request, actor, lambda ctx: service.view(ctx, reference))


@router.get("/{reference}/history", summary="Every recorded change to the application (CH-2)")
async def history(reference: str, request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, lambda ctx: service.history_of(ctx, reference))


def _transition(event: ApplicationEvent, summary: str) -> None:
    async def endpoint(
        reference: str,
        request: Request,
        body: TransitionIn | None = None,
        actor: Actor = Depends(current_actor),
    ) -> Response:
        reason = body.reason if body else None
        return await write(
            request, actor, lambda ctx: service.advance(ctx, reference, event, reason)
        )

    path = "/{reference}/" + event.value.replace("_", "-")
    router.add_api_route(
        path,
        endpoint,
        methods=["POST"],
        summary=summary,
        name=event.value,
        responses=answers(ApplicationView),
    )


_transition(ApplicationEvent.START_PRODUCTION, "Start making the card (card centre)")
_transition(ApplicationEvent.FINISH_PRODUCTION, "Card made: number, codes, dates assigned (ISS-1)")
_transition(ApplicationEvent.DELIVER_TO_OUTLET, "Card delivered to the applying outlet")


@router.post(
    "/{reference}/collect",
    summary="Hand the card over; hr function active (ISS-3/4)",
    responses=answers(ApplicationView),
)
async def collect(
    reference: str, body: CollectIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(
        request, actor, lambda ctx: service.collect(ctx, reference, body.document.domain())
    )


@router.post(
    "/{reference}/withdraw",
    summary="Withdraw an open application; a card made for it is voided (issue 11)",
    responses=answers(ApplicationView),
)
async def withdraw(
    reference: str, body: WithdrawIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: service.withdraw(ctx, reference, body.domain()))
