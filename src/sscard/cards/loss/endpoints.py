"""Loss and unlock over HTTP (SPEC LOSS-1..4), and the 7-day sweep."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.cards.loss import service as loss
from sscard.cards.loss.schemas import SweepResult
from sscard.cards.schemas import CardStateView
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import TransitionIn
from sscard.platform.http.schemas import answers

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/cards", tags=["cards"])
CARD = "/{card_number}"


def _loss_route(path: str, summary: str, action: Any) -> None:
    async def endpoint(
        card_number: str,
        request: Request,
        body: TransitionIn | None = None,
        actor: Actor = Depends(current_actor),
    ) -> Response:
        reason = body.reason if body else None
        return await write(request, actor, lambda ctx: action(ctx, card_number, reason))

    router.add_api_route(
        CARD + path,
        endpoint,
        methods=["POST"],
        summary=summary,
        name=action.__name__,
        responses=answers(CardStateView),
    )


_loss_route(
    "/temporary-loss", "Temporary loss, hotline only, 7 days (LOSS-1)", loss.report_temporary_loss
)
_loss_route(
    "/formal-loss", "Formal loss at the card's bank or online (LOSS-2)", loss.report_formal_loss
)
_loss_route("/unlock", "Unlock a loss through the allowed channel (LOSS-3/4)", loss.unlock)


@router.post(
    "/sweep-temporary-losses",
    summary="Record every temporary loss past its 7 days as lifted (LOSS-1)",
    responses=answers(SweepResult),
)
async def sweep(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return {"lifted": await loss.sweep(ctx)}

    return await write(request, actor, use_case)
