"""The online hall's cardholder routes and the centre's mailing routes (issue 13; APP-4)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.applications.online import service as online
from sscard.applications.online.schemas import (
    MailIn,
    MyRecord,
    OnlineApplicationIn,
    OnlineOptions,
    OnlineReplacementIn,
    ReturnIn,
)
from sscard.applications.schemas import ApplicationView
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, read_recorded, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["online hall"])


@router.get(
    "/me/record",
    summary="The signed-in cardholder's own record: cards, application progress, messages",
    responses=answers(MyRecord),
)
async def my_record(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read_recorded(request, actor, online.my_record)


@router.get(
    "/me/applications/options",
    summary="What the cardholder may apply for online: banks, outlets, eligibility (APP-4)",
    responses=answers(OnlineOptions),
)
async def options(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read_recorded(request, actor, online.online_options)


@router.post(
    "/me/applications",
    status_code=201,
    summary="Apply online for a first card, mailed by EMS or collected at any outlet (APP-4)",
    responses=answers(ApplicationView, 201),
)
async def apply(
    body: OnlineApplicationIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return await online.apply_online(ctx, body.domain())

    return await write(request, actor, use_case, status=201)


@router.post(
    "/me/cards/{card_number}/replacement",
    status_code=201,
    summary="Apply online for a replacement of one's formally lost card (APP-4, REP-1)",
    responses=answers(ApplicationView, 201),
)
async def replace(
    card_number: str,
    body: OnlineReplacementIn,
    request: Request,
    actor: Actor = Depends(current_actor),
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return await online.replace_online(ctx, card_number, body.domain())

    return await write(request, actor, use_case, status=201)


@router.post(
    "/applications/{reference}/mail",
    summary="The centre hands the produced card to EMS with its waybill number (APP-4)",
    responses=answers(ApplicationView),
)
async def mail(
    reference: str, body: MailIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return await online.send_by_courier(ctx, reference, body.tracking_number)

    return await write(request, actor, use_case)


@router.post(
    "/applications/{reference}/delivered",
    summary="EMS delivered the card: collected on delivery, hr function active (ISS-3, ISS-4)",
    responses=answers(ApplicationView),
)
async def delivered(
    reference: str, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return await online.confirm_delivery(ctx, reference)

    return await write(request, actor, use_case)


@router.post(
    "/applications/{reference}/returned",
    summary="EMS brought the card back: the centre holds it again, to mail anew (APP-4)",
    responses=answers(ApplicationView),
)
async def returned(
    reference: str, body: ReturnIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return await online.return_undelivered(ctx, reference, body.reason)

    return await write(request, actor, use_case)
