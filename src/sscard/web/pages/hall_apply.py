"""Applying online in the hall (issue 13 items 3-4; SPEC APP-4, APP-1, ID-5, REP-1): a first
card, or a replacement of one's formally lost card, mailed by EMS (postage paid on delivery) or
collected at an outlet of any Jiangsu city.

One thing per page, then "check your answers" before the application is sent: the form posts
to itself; every check the application makes runs first (`applications.online.preview_online`,
nothing written) and the answers come back to be confirmed; confirming sends them again.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.applications.online import service as online
from sscard.applications.online.rules import MAINLAND_PROVINCES
from sscard.applications.online.schemas import OnlineApplicationIn, OnlineReplacementIn
from sscard.applications.online.service import OnlineApplication
from sscard.kernel.actor import Actor
from sscard.kernel.errors import DomainError, NotFound
from sscard.web import forms
from sscard.web.pages.hall import cardholder
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import form, form_values, run

router = page_router("/hall")
FIELDS = (
    "bank_code",
    "mode",
    "province",
    "city",
    "district",
    "detail",
    "recipient",
    "phone",
    "outlet_code",
    "confirmed",
)
ADDRESS = ("province", "city", "district", "detail", "recipient", "phone")


@router.get("/apply")
async def apply_page(request: Request, actor: Actor = Depends(cardholder)) -> Response:
    """The first application online, or why it is not open to the person and where to go."""
    options = await run(request, actor, online.online_options)
    values = {"mode": "ems", "province": "江苏省"}
    return _form(request, options, None, values, {}, None)


@router.post("/apply")
async def apply(request: Request, actor: Actor = Depends(cardholder)) -> Response:
    return await _answer(request, actor, None)


@router.get("/cards/{card_number}/replace")
async def replace_page(
    card_number: str, request: Request, actor: Actor = Depends(cardholder)
) -> Response:
    """A replacement online of the holder's formally lost card (REP-1)."""
    options = await run(request, actor, online.online_options)
    if card_number.upper() not in options["replaceable_cards"]:  # not theirs, or not lost
        raise NotFound(field="card_number", what_zh="卡片", what_en="Card")
    values = {"mode": "ems", "province": "江苏省"}
    return _form(request, options, card_number.upper(), values, {}, None)


@router.post("/cards/{card_number}/replace")
async def replace(
    card_number: str, request: Request, actor: Actor = Depends(cardholder)
) -> Response:
    return await _answer(request, actor, card_number.upper())


async def _answer(request: Request, actor: Actor, card_number: str | None) -> Response:
    """Check the answers (nothing written) and show them; once confirmed, apply."""
    values = form_values(await form(request), *FIELDS)
    if values["confirmed"] == "change":
        options = await run(request, actor, online.online_options)
        return _form(request, options, card_number, {**values, "confirmed": ""}, {}, None)
    try:
        req = _parsed(values, card_number)
        if values["confirmed"] != "yes":
            preview = await run(
                request, actor, lambda ctx: online.preview_online(ctx, req, card_number)
            )
            options = await run(request, actor, online.online_options)
            context = {
                "values": values,
                "preview": preview,
                "card_number": card_number,
                "bank": _named(options["banks"], preview["bank_code"]),
                "outlet": _named(options["outlets"], values["outlet_code"]),
                "city": options,
            }
            return render(request, "hall/apply_check.html", context)
        if card_number is None:
            await run(request, actor, lambda ctx: online.apply_online(ctx, req))
        else:
            await run(request, actor, lambda ctx: online.replace_online(ctx, card_number, req))
    except DomainError as refusal:
        options = await run(request, actor, online.online_options)
        errors = forms.field_messages(request, refusal)
        values["confirmed"] = ""
        return _form(request, options, card_number, values, errors, refusal, refusal.status)
    return redirect(request, "/hall/me?done=applied")


def _named(choices: list[dict[str, Any]], code: str) -> dict[str, Any]:
    """The choice of that code (its names in both languages), or the bare code."""
    return next((c for c in choices if c["code"] == code), {"name_zh": code, "name_en": code})


def _parsed(values: dict[str, Any], card_number: str | None) -> OnlineApplication:
    """The form as the API's body, checked by the API's schema (InvalidFields by name)."""
    if card_number is None:
        return forms.parse(OnlineApplicationIn, _body(values)).domain()
    return forms.parse(OnlineReplacementIn, _body(values)).domain()


def _body(values: dict[str, Any]) -> dict[str, Any]:
    """The form's flat fields as the API's body: the address only for EMS, the outlet only
    for collection at an outlet."""
    delivery: dict[str, Any] = {"mode": values["mode"]}
    if values["mode"] == "ems":
        delivery["address"] = {k: values[k] for k in ADDRESS}
    elif values["outlet_code"]:
        delivery["outlet_code"] = values["outlet_code"]
    body: dict[str, Any] = {"delivery": delivery}
    if values["bank_code"]:
        body["bank_code"] = values["bank_code"]
    return body


def _form(
    request: Request,
    options: dict[str, Any],
    card_number: str | None,
    values: dict[str, Any],
    errors: dict[str, str],
    refusal: DomainError | None,
    status: int = 200,
) -> Response:
    context = {
        "options": options,
        "card_number": card_number,
        "values": values,
        "errors": errors,
        "refusal": refusal,
        "provinces": [(p, p) for p in MAINLAND_PROVINCES],
        "address_fields": ADDRESS,
    }
    return render(request, "hall/apply.html", context, status=status)
