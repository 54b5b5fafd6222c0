"""Card cancellation and the financial-account closure notice (SPEC CAN-1..5, JUR-2)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from sscard.cards.cancellation import notice as closure_notice
from sscard.cards.cancellation import service
from sscard.cards.cancellation.schemas import CancelIn, CancellationPage, CancellationView
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, read, runtime, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import cursor
from sscard.platform.http.schemas import PROBLEMS, answers
from sscard.platform.paging import page

router = APIRouter(route_class=GuardedRoute, tags=["cancellations"])
PDF = "application/pdf"


@router.post(
    "/api/v1/cards/{card_number}/cancel",
    status_code=201,
    summary="Cancel a card at an HR outlet of its city; issues the closure notice (CAN-1..4)",
    responses=answers(CancellationView, 201),
)
async def cancel(
    card_number: str, body: CancelIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return await service.cancel_card(ctx, card_number, body.domain())

    return await write(request, actor, use_case, status=201)


@router.get(
    "/api/v1/cancellations",
    summary="Closure notices the caller may see (a bank: its own cards), keyset paging",
    responses=answers(CancellationPage),
)
async def list_cancellations(
    request: Request,
    actor: Actor = Depends(current_actor),
    card_number: str | None = Query(None, max_length=9, description="only this card's notice"),
    after: int = cursor(),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    return await read(
        request, actor, lambda ctx: page(service.list_cancellations(ctx, card_number, after, limit))
    )


@router.get(
    "/api/v1/cancellations/{reference}",
    summary="A cancellation with its closure notice (CAN-3)",
    responses=answers(CancellationView),
)
async def get_cancellation(
    reference: str, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    return await read(request, actor, lambda ctx: service.view(ctx, reference))


@router.get(
    "/api/v1/cancellations/{reference}/notice.pdf",
    summary="The financial-account closure notice to print (金融销户通知书, CAN-3)",
    response_class=Response,
    responses={200: {"content": {PDF: {}}, "description": "one A4 page"}, **PROBLEMS},
)
async def notice_pdf(
    reference: str, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    async with runtime(request).unit(actor, readonly=True) as ctx:
        notice = await service.notice_of(ctx, reference)
    # Drawing the page is CPU work: keep it off the event loop.
    pdf = await run_in_threadpool(closure_notice.render, notice)
    return Response(
        pdf,
        media_type=PDF,
        headers={"Content-Disposition": f'inline; filename="{notice.reference}.pdf"'},
    )
