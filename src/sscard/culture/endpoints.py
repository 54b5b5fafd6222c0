"""Culture and tourism over HTTP (SPEC CUL-1): a scene's terminals, each request signed."""

from __future__ import annotations

from fastapi import APIRouter

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
from sscard.platform.http.guard import GuardedRoute
from sscard.scenes.endpoints import terminal_route
from sscard.scenes.rules import SceneUse
from sscard.scenes.schemas import PresentedIn, SceneAnswer

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/scene-uses", tags=["culture"])


terminal_route(
    router,
    "/tickets",
    summary="A scenic spot or museum sells a ticket for a day to the card or ecard shown "
    "(CUL-1), signed",
    body=TicketIn,
    answer=TicketView,
    use_case=lambda ctx, terminal, b: culture.sell_ticket(ctx, terminal, b.domain(), b.sale()),
    name="sell_ticket",
)
terminal_route(
    router,
    "/entry",
    summary="A gate admits the card or an ecard entry code holding today's ticket, once "
    "(CUL-1, LOSS-5), signed",
    body=PresentedIn,
    answer=SceneAnswer,
    use_case=lambda ctx, terminal, b: culture.admit(ctx, terminal, b.domain()),
    name="admit_at_gate",
    delta_use=SceneUse.ENTRY,
)
terminal_route(
    router,
    "/library/readers",
    summary="A library takes the card as its reader's card (CUL-1), signed",
    body=PresentedIn,
    answer=ReaderView,
    use_case=lambda ctx, terminal, b: culture.register_reader(ctx, terminal, b.domain()),
    name="register_reader",
)
terminal_route(
    router,
    "/library/loans",
    summary="The self-service machine lends an item to a reader's card (CUL-1), signed",
    body=LoanIn,
    answer=LoanView,
    use_case=lambda ctx, terminal, b: culture.lend(ctx, terminal, b.domain(), b.item_code),
    name="lend_at_library",
)
terminal_route(
    router,
    "/library/returns",
    summary="An item comes back to the library's machine (CUL-1), signed",
    body=ReturnIn,
    answer=ReturnView,
    use_case=lambda ctx, terminal, b: culture.take_back(ctx, terminal, b.item_code),
    name="return_to_library",
)
