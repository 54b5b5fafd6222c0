"""The financial function's mirror over HTTP: the card's bank reports (SPEC ISS-2, LOSS-2)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.cards.financial import service as financial
from sscard.cards.financial.schemas import FinancialReportIn
from sscard.cards.schemas import CardStateView
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["after issue"])


@router.post(
    "/cards/{card_number}/financial-status",
    summary="The card's bank reports its financial function (mirror; ISS-2, LOSS-2)",
    responses=answers(CardStateView),
)
async def report_financial_status(
    card_number: str,
    body: FinancialReportIn,
    request: Request,
    actor: Actor = Depends(current_actor),
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        card = await financial.report(ctx, card_number, body.event, body.account_number)
        return card

    return await write(request, actor, use_case)
