"""A card over HTTP: its state now, its history, and whether it may be used (SPEC LOSS-5)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from sscard.cards import service as cards
from sscard.cards.lifecycle import CardUse
from sscard.cards.schemas import CardStateView, UseAnswerView
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, read, read_recorded
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/cards", tags=["cards"])
CARD = "/{card_number}"


@router.get(
    CARD, summary="A card's state now, with any loss (LOSS-1..3)", responses=answers(CardStateView)
)
async def get_card(
    card_number: str, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    async def use_case(ctx: Ctx) -> Any:
        return cards.card_state_view(await cards.read_card(ctx, card_number))

    return await read_recorded(request, actor, use_case)


@router.get(CARD + "/history", summary="Every recorded change to the card (CH-2)")
async def history(card_number: str, request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read_recorded(request, actor, lambda ctx: cards.history_of(ctx, card_number))


@router.get(
    CARD + "/may-use",
    summary="May this card be used for this now? The one answer every use asks (LOSS-5)",
    responses=answers(UseAnswerView),
)
async def may_use(
    card_number: str,
    request: Request,
    use: CardUse = Query(description="what the card is about to be used for"),
    actor: Actor = Depends(current_actor),
) -> Any:
    return await read(request, actor, lambda ctx: cards.may_use(ctx, card_number, use))
