"""The transport wallet at a citizen-card outlet's counter (issue 15 items 1, 2, 4; SPEC TRN-1,
TRN-2, TRN-4, LOSS-6, REP-4): the clerk, with the card in hand (the purse is anonymous: no
document asked), loads the transport application, tops the purse up in two steps (the payment
authorised, then the reader's write to the card confirmed with the card's counter, or
reversed when the write failed), and refunds and closes it.

The same use cases as the API (`/api/v1/transport/...`)."""

from __future__ import annotations

import re
import secrets
from typing import Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.kernel.errors import DomainError, InvalidInput, invalid
from sscard.transport import service as transport
from sscard.transport.rules import TopUpChannel
from sscard.web import forms, i18n
from sscard.web.i18n import N_
from sscard.web.pages.centre_common import beijing
from sscard.web.pages.counter import hr_clerk
from sscard.web.pages.hall_transport import KINDS as ENTRY_KINDS
from sscard.web.pages.names import place_names
from sscard.web.render import render, yuan
from sscard.web.route import page_router, redirect
from sscard.web.session import form, form_values, run

router = page_router("/counter/transport")
DONE = {
    "loaded": N_("The transport application is loaded; the purse is open and empty."),
    "authorised": N_("Top-up authorised: write it to the card on the reader, then confirm."),
    "confirmed": N_("Written to the card: the top-up is in the balance."),
    "reversed": N_("Top-up reversed: it is paid back and never was in the balance."),
    "refunded": N_("The balance is refunded and the purse closed."),
}
REFUNDED = N_("%(yuan)s yuan paid out to the holder; the purse is closed.")
CARD = re.compile(r"[A-Za-z][0-9]{8}")
NOT_A_COUNTER = N_("must be the card's counter, 0-65535")
NOT_A_CARD = N_("must be a card number: a letter and 8 digits, e.g. C12345678")
MODES = {"bus": N_("Bus"), "metro": N_("Metro"), "tram": N_("Tram"), "ferry": N_("Ferry")}


async def _page(
    request: Request,
    who: StaffSession,
    card_number: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    done: str = "",
    refunded_fen: int | None = None,
    confirm_refund: bool = False,
    status: int = 200,
) -> Response:
    _ = i18n.translator(request)
    found: dict[str, Any] | None = None
    missing = False
    errors = dict(errors or {})
    if card_number and not CARD.fullmatch(card_number):
        errors["card"] = _(NOT_A_CARD)  # the page's own words, not the validator's
        card_number, status = "", 422 if status == 200 else status
    if card_number:
        try:
            found = await run(request, who.actor, lambda ctx: transport.purse(ctx, card_number))
        except DomainError as no:
            if no.status != 404:
                raise
            missing = True
    if done == "refunded" and refunded_fen is not None:
        shown = _(REFUNDED) % {"yuan": yuan(refunded_fen)}
    else:
        shown = _(DONE[done]) if done in DONE else ""
    names = await run(request, who.actor, lambda ctx: place_names(ctx, i18n.language(request)))
    context = {
        "card_number": card_number,
        "typed_card": values.get("card", card_number) if values else card_number,
        "purse": found,
        "missing": missing,
        "values": values or {},
        "errors": errors,
        "done": shown,
        "confirm_refund": confirm_refund and found is not None,
        "names": names,
        "modes": MODES,
        "reference": "CTR" + secrets.token_hex(6).upper(),
        "bj": beijing,
        "kinds": ENTRY_KINDS,
    }
    return render(request, "counter/transport.html", context, status=status)


@router.get("")
async def transport_page(
    request: Request,
    card: str = Query("", max_length=40),
    done: str = Query("", max_length=20),
    paid: int | None = Query(None, ge=0, le=10**9),
    who: StaffSession = Depends(hr_clerk),
) -> Response:
    typed = card.strip()
    return await _page(request, who, typed.upper(), values={"card": typed}, done=done,
                       refunded_fen=paid)  # fmt: skip


def _where(card_number: str, done: str, paid: int | None = None) -> str:
    return f"/counter/transport?card={card_number}&done={done}" + (
        f"&paid={paid}" if paid is not None else ""
    )


async def _act(
    request: Request,
    who: StaffSession,
    card_number: str,
    action: Any,
    done: str,
    values: dict[str, str] | None = None,
) -> Response:
    try:
        outcome = await run(request, who.actor, action)
    except DomainError as refusal:
        errors = _on_the_page(forms.field_messages(request, refusal))
        return await _page(request, who, card_number, values=values, errors=errors,
                           status=refusal.status)  # fmt: skip
    paid = outcome.get("refunded_fen") if isinstance(outcome, dict) else None
    return redirect(request, _where(card_number, done, paid))


ON_THE_PAGE = {"amount_fen": "amount_yuan", "amount_yuan": "amount_yuan", "counter": "counter",
               "reference": "reference", "paid_with_bank": "paid_with_bank"}  # fmt: skip


def _on_the_page(errors: dict[str, str]) -> dict[str, str]:
    """Each refusal next to its field on the page; one naming no field of it at the top."""
    shown: dict[str, str] = {}
    for name, text in errors.items():
        shown[ON_THE_PAGE.get(name, "")] = text
    return shown


def _card(data: Any) -> str:
    number = str(data.get("card_number") or "").strip().upper()
    if len(number) != 9:
        raise invalid("card_number", "请输入卡号", "type the card number")
    return number


@router.post("/load")
async def load(request: Request, who: StaffSession = Depends(hr_clerk)) -> Response:
    number = _card(await form(request))
    return await _act(request, who, number, lambda ctx: transport.load_purse(ctx, number),
                      "loaded")  # fmt: skip


@router.post("/top-ups")
async def authorise(request: Request, who: StaffSession = Depends(hr_clerk)) -> Response:
    data = await form(request)
    number = _card(data)
    values = form_values(data, "amount_yuan", "reference", "paid_with_bank")
    try:
        fen = forms.fen_of_yuan(values["amount_yuan"], "amount_yuan")
    except InvalidInput as bad:
        errors = forms.field_messages(request, bad)
        return await _page(request, who, number, values=values, errors=errors, status=422)
    bank = values["paid_with_bank"].strip().upper() or None
    top_up = transport.TopUp(number, fen, TopUpChannel.OUTLET, values["reference"].strip(), bank)
    return await _act(request, who, number, lambda ctx: transport.authorise_top_up(ctx, top_up),
                      "authorised", values)  # fmt: skip


@router.post("/top-ups/confirm")
async def confirm(request: Request, who: StaffSession = Depends(hr_clerk)) -> Response:
    data = await form(request)
    number, reference = _card(data), str(data.get("reference") or "")
    text = str(data.get("counter") or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 5):
        errors = {"counter": i18n.translator(request)(NOT_A_COUNTER)}
        return await _page(request, who, number, values={"counter": text}, errors=errors,
                           status=422)  # fmt: skip
    counter = int(text)
    return await _act(
        request, who, number, lambda ctx: transport.confirm_top_up(ctx, reference, counter),
        "confirmed", {"counter": text},
    )  # fmt: skip


@router.post("/top-ups/reverse")
async def reverse(request: Request, who: StaffSession = Depends(hr_clerk)) -> Response:
    data = await form(request)
    number, reference = _card(data), str(data.get("reference") or "")
    return await _act(request, who, number, lambda ctx: transport.reverse_top_up(ctx, reference),
                      "reversed")  # fmt: skip


@router.post("/refund")
async def refund(request: Request, who: StaffSession = Depends(hr_clerk)) -> Response:
    """The refund pays the whole balance out and cannot be undone: the first press asks the
    clerk to confirm, with the amount; the confirmation refunds."""
    data = await form(request)
    number = _card(data)
    if str(data.get("confirmed") or "") != "yes":
        return await _page(request, who, number, confirm_refund=True)
    return await _act(request, who, number, lambda ctx: transport.refund_purse(ctx, number),
                      "refunded")  # fmt: skip
