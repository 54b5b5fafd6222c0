"""The card-management city over HTTP (SPEC JUR-1)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.cards.jurisdiction import service as jurisdiction
from sscard.cards.jurisdiction.schemas import CityChangeIn
from sscard.cards.schemas import CardStateView
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["after issue"])


@router.post(
    "/cards/{card_number}/management-city",
    summary="Change the card-management city at the outgoing city (JUR-1 step 1)",
    responses=answers(CardStateView),
)
async def change_city(
    card_number: str, body: CityChangeIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        card = await jurisdiction.change_city(
            ctx,
            card_number,
            body.to_city_code,
            body.transfer_certificate_number,
            body.document.domain(),
        )
        return card

    return await write(request, actor, use_case)


@router.post(
    "/cards/{card_number}/social-data-reset",
    summary="Reset the card's social data at the new city (JUR-1 step 2)",
    responses=answers(CardStateView),
)
async def reset_social_data(
    card_number: str, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return await jurisdiction.reset_social_data(ctx, card_number)

    return await write(request, actor, use_case)
