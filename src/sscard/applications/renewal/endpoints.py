"""A new card in place of one held, over HTTP: replacement, exchange, upgrade (REP-1..6, GEN-3)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.applications.renewal import service as renewal
from sscard.applications.renewal.schemas import ExchangeIn, ReplacementIn, UpgradeIn
from sscard.applications.schemas import ApplicationView
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["after issue"])


@router.post(
    "/cards/{card_number}/replacement",
    status_code=201,
    summary="Apply for a replacement after a formal loss; the old card dies (REP-1, LOSS-4)",
    responses=answers(ApplicationView, 201),
)
async def replace(
    card_number: str, body: ReplacementIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return await renewal.submit_replacement(ctx, body.domain(card_number))

    return await write(request, actor, use_case, status=201)


@router.post(
    "/cards/{card_number}/exchange",
    status_code=201,
    summary="Apply for an exchange for one of the REP-2 reasons; the old card is taken back",
    responses=answers(ApplicationView, 201),
)
async def exchange(
    card_number: str, body: ExchangeIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return await renewal.submit_exchange(ctx, body.domain(card_number))

    return await write(request, actor, use_case, status=201)


@router.post(
    "/applications/upgrade",
    status_code=201,
    summary="Apply for a gen-3 card in place of a gen-1/gen-2 card (GEN-3)",
    responses=answers(ApplicationView, 201),
)
async def upgrade(
    body: UpgradeIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return await renewal.submit_upgrade(ctx, body.domain())

    return await write(request, actor, use_case, status=201)
