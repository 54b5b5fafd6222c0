"""The holder's transport purse in the online hall (issue 15; SPEC TRN-1..3, LOSS-6): the
balance on the newest card, the city's cap, top-ups waiting to be written, and the trips and
top-ups written to the card; where to load the purse when there is none.

The same use case as the API (`GET /api/v1/me/transport`)."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.transport import service as transport
from sscard.web import i18n
from sscard.web.i18n import N_
from sscard.web.pages.centre_common import beijing
from sscard.web.pages.hall import cardholder
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import run

router = page_router("/hall/transport")
KINDS = {"top_up": N_("Top-up"), "fare": N_("Trip"), "refund": N_("Refund")}
MODES = {"bus": N_("Bus"), "metro": N_("Metro"), "tram": N_("Tram"), "ferry": N_("Ferry")}


@router.get("")
async def transport_page(request: Request, actor: Actor = Depends(cardholder)) -> Response:
    mine = await run(request, actor, transport.my_purse)
    names = await run(request, actor, lambda ctx: place_names(ctx, i18n.language(request)))
    context = {"mine": mine, "kinds": KINDS, "bj": beijing, "names": names, "modes": MODES}
    return render(request, "hall/transport.html", context)
