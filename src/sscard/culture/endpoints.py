"""Culture and tourism over HTTP (SPEC CUL-1): a scene's terminals, each request signed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.culture import service as culture
from sscard.culture.schemas import (
    LoanIn,
    LoanView,
    ReaderView,
    ReturnIn,
    ReturnView,
    TicketIn,
    TicketView,
)
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers
from sscard.scenes.endpoints import signed, signed_use
from sscard.scenes.schemas import PresentedIn, SceneAnswer
from sscard.scenes.service import Terminal

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/scene-uses", tags=["culture"])


@router.post(
    "/tickets",
    summary="A scenic spot or museum sells a ticket for a day to the card or ecard shown "
    "(CUL-1), signed",
    responses=answers(TicketView),
    openapi_extra=signed(TicketIn),
)
async def sell_ticket(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    async def use_case(ctx: Ctx, terminal: Terminal, body: TicketIn) -> Any:
        return await culture.sell_ticket(ctx, terminal, body.domain(), body.sale())

    return await signed_use(request, actor, TicketIn, use_case)


@router.post(
    "/entry",
    summary="A gate admits the card or an ecard entry code holding today's ticket, once "
    "(CUL-1, LOSS-5), signed",
    responses=answers(SceneAnswer),
    openapi_extra=signed(PresentedIn),
)
async def admit(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    async def use_case(ctx: Ctx, terminal: Terminal, body: PresentedIn) -> Any:
        return await culture.admit(ctx, terminal, body.domain())

    return await signed_use(request, actor, PresentedIn, use_case)


@router.post(
    "/library/readers",
    summary="A library takes the card as its reader's card (CUL-1), signed",
    responses=answers(ReaderView),
    openapi_extra=signed(PresentedIn),
)
async def register_reader(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    async def use_case(ctx: Ctx, terminal: Terminal, body: PresentedIn) -> Any:
        return await culture.register_reader(ctx, terminal, body.domain())

    return await signed_use(request, actor, PresentedIn, use_case)


@router.post(
    "/library/loans",
    summary="The self-service machine lends an item to a reader's card (CUL-1), signed",
    responses=answers(LoanView),
    openapi_extra=signed(LoanIn),
)
async def lend(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    async def use_case(ctx: Ctx, terminal: Terminal, body: LoanIn) -> Any:
        return await culture.lend(ctx, terminal, body.domain(), body.item_code)

    return await signed_use(request, actor, LoanIn, use_case)


@router.post(
    "/library/returns",
    summary="An item comes back to the library's machine (CUL-1), signed",
    responses=answers(ReturnView),
    openapi_extra=signed(ReturnIn),
)
async def take_back(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    async def use_case(ctx: Ctx, terminal: Terminal, body: ReturnIn) -> Any:
        return await culture.take_back(ctx, terminal, body.item_code)

    return await signed_use(request, actor, ReturnIn, use_case)
