"""The online hall's ecard page (电子社保卡, SPEC ECARD-1..3; issue 14): the signed-in person's
ecard (or the dependant's, for a relative acting under a family binding, ECARD-4), the card
behind it, consent to each synchronised-application channel, given or withdrawn, and the ecard
shown as a QR code for a counter or gate to scan.

The same use cases as the API (`GET /api/v1/me/ecard`, `PUT|DELETE
/api/v1/me/ecard/channels/{channel}/consent`, `POST /api/v1/me/ecard/qr`).
"""

from __future__ import annotations

from typing import Any

import segno
from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.ecards import service as ecards
from sscard.ecards.qr import Scope
from sscard.ecards.service import EcardNotUsable
from sscard.kernel.actor import Actor
from sscard.kernel.errors import NotFound
from sscard.web import i18n
from sscard.web.i18n import N_
from sscard.web.pages.hall import cardholder
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import form, run

router = page_router("/hall/ecard")
# What a code may be shown for here (the medical scope waits for the ecard password).
SCOPES = {
    "identity": N_("Identity (government halls, hotels)"),
    "entry": N_("Entry (scenic spots, museums, libraries)"),
    "hr_service": N_("HR and social security services"),
}
STATUSES = {
    "pending": N_("Waiting: it works once the card is collected"),
    "active": N_("In use"),
    "suspended": N_("Suspended: the card is reported lost"),
    "moving": N_("Moving to the new card: it works again once the new card is made"),
    "ended": N_("Ended with the card"),
}
DONE = {
    "consented": N_("Consent given: the ecard now works in that channel."),
    "withdrawn": N_("Consent withdrawn: the ecard no longer works in that channel."),
}


@router.get("")
async def ecard_page(
    request: Request, done: str = "", actor: Actor = Depends(cardholder)
) -> Response:
    """The ecard, its state and the channels' consents; a person with no card yet is told so."""
    _ = i18n.translator(request)
    try:
        ecard: dict[str, Any] | None = await run(request, actor, ecards.my_ecard)
    except NotFound:
        ecard = None
    context = {
        "ecard": ecard,
        "acting": request.state.acting,
        "scopes": SCOPES,
        "statuses": STATUSES,
        "english": i18n.language(request) == "en",
        "done": _(DONE[done]) if done in DONE else "",
    }
    return render(request, "hall/ecard.html", context)


@router.get("/qr")
async def show_qr(
    request: Request, scope: str = "identity", actor: Actor = Depends(cardholder)
) -> Response:
    """The ecard as a QR code for one scope (ECARD-3): signed, one use, 60 seconds; a refusal
    (the card lost, LOSS-5) is shown instead, with why."""
    picked = Scope[scope.upper()] if scope in SCOPES else Scope.IDENTITY
    context: dict[str, Any] = {
        "scope": picked.name.lower(),
        "scopes": SCOPES,
        "refusal": None,
        "english": i18n.language(request) == "en",
    }
    try:
        shown = await run(request, actor, lambda ctx: ecards.show_qr(ctx, picked))
    except EcardNotUsable as refused:
        context["refusal"] = refused
    else:
        code = segno.make(shown["qr"], mode="alphanumeric", error="m")
        context |= {
            "qr_svg": code.svg_inline(scale=6, dark="#111"),
            "expires_at": shown["expires_at"],
            "version": code.designator,
        }
    return render(request, "hall/ecard_qr.html", context)


@router.post("/channels/{channel}/consent")
async def consent(channel: str, request: Request, actor: Actor = Depends(cardholder)) -> Response:
    """Give (given=yes) or withdraw (given=no) the consent for one channel (ECARD-1)."""
    data = await form(request)
    given = data.get("given") == "yes"
    await run(request, actor, lambda ctx: ecards.consent_channel(ctx, channel[:32], given))
    return redirect(request, f"/hall/ecard?done={'consented' if given else 'withdrawn'}")
