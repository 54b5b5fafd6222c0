"""Cards after issue: state, loss and unlock, may-use answers (SPEC LOSS-1..5)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from sscard.cards.expiry import service as expiry
from sscard.cards.lifecycle import CardUse
from sscard.cards.loss import service as loss
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, read, write
from sscard.platform.http.request import TransitionIn
from sscard.platform.http.schemas import CardStateView, SweepResult, UseAnswerView, answers

router = APIRouter(prefix="/api/v1/cards", tags=["cards"])
CARD = "/{card_number}"


# Fixed paths come before /{card_number}, which would otherwise take them.
@router.get(
    "/expiring",
    summary="Live cards whose 10-year financial validity ends within N days, or ended (ISS-7)",
)
async def expiring(
    request: Request,
    actor: Actor = Depends(current_actor),
    within_days: int = Query(expiry.REMIND_WITHIN_DAYS, ge=0, le=3660),
    city_code: str | None = Query(None, pattern=r"^32\d{2}$"),
    after: int = Query(0, ge=0, description="cursor from the previous page"),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    async def use_case(ctx: Ctx) -> Any:
        items, cursor = await expiry.expiring(ctx, within_days, city_code, after, limit)
        return {"items": items, "next_after": cursor}

    return await read(request, actor, use_case)


@router.post(
    "/expiry-reminders",
    summary="Queue one reminder per card expiring within N days, not yet reminded (ISS-7)",
)
async def expiry_reminders(
    request: Request,
    actor: Actor = Depends(current_actor),
    within_days: int = Query(expiry.REMIND_WITHIN_DAYS, ge=0, le=3660),
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return {"queued": await expiry.send_reminders(ctx, within_days)}

    return await write(request, actor, use_case)


@router.get(
    CARD, summary="A card's state now, with any loss (LOSS-1..3)", responses=answers(CardStateView)
)
async def get_card(
    card_number: str, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    async def use_case(ctx: Ctx) -> Any:
        return loss.card_state_view(await loss.look(ctx, card_number))

    return await read(request, actor, use_case)


@router.get(CARD + "/history", summary="Every recorded change to the card (CH-2)")
async def history(card_number: str, request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, lambda ctx: loss.history_of(ctx, card_number))


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
    return await read(request, actor, lambda ctx: loss.may_use(ctx, card_number, use))


def _loss_route(path: str, summary: str, action: Any) -> None:
    async def endpoint(
        card_number: str,
        request: Request,
        body: TransitionIn | None = None,
        actor: Actor = Depends(current_actor),
    ) -> Response:
        reason = body.reason if body else None

        async def use_case(ctx: Ctx) -> Any:
            return loss.card_state_view(await action(ctx, card_number, reason))

        return await write(request, actor, use_case)

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
