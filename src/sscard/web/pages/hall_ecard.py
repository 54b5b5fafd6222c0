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
from sscard.ecards.password import service as passwords
from sscard.ecards.qr import Scope
from sscard.ecards.service import EcardNotUsable
from sscard.kernel.actor import Actor
from sscard.kernel.errors import DomainError, NotFound
from sscard.web import forms, i18n
from sscard.web.i18n import N_
from sscard.web.pages.hall import cardholder
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import form, form_values, run

router = page_router("/hall/ecard")
# What a code may be shown for here; the medical one only after the ecard password is typed.
SCOPES = {
    "medical": N_("Paying at a hospital or pharmacy (needs the ecard password)"),
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
    "password_set": N_("Ecard password saved."),
    "consented": N_("Consent given: the ecard now works in that channel."),
    "withdrawn": N_("Consent withdrawn: the ecard no longer works in that channel."),
}


@router.get("")
async def ecard_page(
    request: Request, done: str = "", actor: Actor = Depends(cardholder)
) -> Response:
    return await _ecard_page(request, actor, done)


async def _ecard_page(
    request: Request,
    actor: Actor,
    done: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The ecard, its state and the channels' consents; a person with no card yet is told so."""
    _ = i18n.translator(request)
    try:
        ecard: dict[str, Any] | None = await run(request, actor, ecards.my_ecard)
        password = await run(request, actor, passwords.password_state)
    except NotFound:
        ecard, password = None, {}
    context = {
        "ecard": ecard,
        "password": password,
        "errors": errors or {},
        "acting": request.state.acting,
        "scopes": SCOPES,
        "statuses": STATUSES,
        "english": i18n.language(request) == "en",
        "done": _(DONE[done]) if done in DONE else "",
    }
    return render(request, "hall/ecard.html", context, status=status)


@router.get("/qr")
async def show_qr(
    request: Request, scope: str = "identity", actor: Actor = Depends(cardholder)
) -> Response:
    """The ecard as a QR code for one scope (ECARD-3): signed, one use, 60 seconds; a refusal
    (the card lost, LOSS-5) is shown instead, with why."""
    picked = Scope[scope.upper()] if scope in SCOPES else Scope.IDENTITY
    if picked is Scope.MEDICAL:  # the code pays: the password first (ECARD-3)
        return _qr_page(request, picked, None, None, ask_password=True)
    try:
        shown = await run(request, actor, lambda ctx: ecards.show_qr(ctx, picked))
    except EcardNotUsable as refused:
        return _qr_page(request, picked, None, refused)
    return _qr_page(request, picked, shown, None)


@router.post("/qr/medical")
async def show_medical_qr(request: Request, actor: Actor = Depends(cardholder)) -> Response:
    """The code that pays at a hospital, against the ecard password (ECARD-3, PWD-3): a wrong
    try is counted and committed before the page says so."""
    password = form_values(await form(request), "password")["password"]
    try:
        shown = await run(request, actor, lambda ctx: passwords.show_medical_qr(ctx, password))
    except DomainError as refused:
        return _qr_page(request, Scope.MEDICAL, None, refused, ask_password=True)
    refusal = passwords.refusal_of(shown)
    if refusal is not None:
        return _qr_page(request, Scope.MEDICAL, None, refusal, ask_password=True)
    return _qr_page(request, Scope.MEDICAL, shown, None)


def _qr_page(
    request: Request,
    scope: Scope,
    shown: dict[str, Any] | None,
    refusal: DomainError | None,
    *,
    ask_password: bool = False,
) -> Response:
    context: dict[str, Any] = {
        "scope": scope.name.lower(),
        "scopes": SCOPES,
        "refusal": refusal,
        "ask_password": ask_password,
        "english": i18n.language(request) == "en",
    }
    if shown is not None:
        code = segno.make(shown["qr"], mode="alphanumeric", error="m")
        context |= {
            "qr_svg": code.svg_inline(scale=6, dark="#111"),
            "expires_at": shown["expires_at"],
            "version": code.designator,
        }
    return render(request, "hall/ecard_qr.html", context)


@router.post("/password")
async def set_password(request: Request, actor: Actor = Depends(cardholder)) -> Response:
    """Set the ecard password, or change it with the current one (PWD-2/3)."""
    values = form_values(await form(request), "new_password", "old_password")
    new, old = values["new_password"], values["old_password"] or None
    try:
        answer = await run(request, actor, lambda ctx: passwords.set_password(ctx, new, old))
        refusal = passwords.refusal_of(answer)
        if refusal is not None:
            raise refusal
    except DomainError as refused:
        errors = forms.field_messages(request, refused)
        return await _ecard_page(request, actor, errors=errors, status=refused.status)
    return redirect(request, "/hall/ecard?done=password_set")


@router.post("/channels/{channel}/consent")
async def consent(channel: str, request: Request, actor: Actor = Depends(cardholder)) -> Response:
    """Give (given=yes) or withdraw (given=no) the consent for one channel (ECARD-1)."""
    data = await form(request)
    given = data.get("given") == "yes"
    await run(request, actor, lambda ctx: ecards.consent_channel(ctx, channel[:32], given))
    return redirect(request, f"/hall/ecard?done={'consented' if given else 'withdrawn'}")
