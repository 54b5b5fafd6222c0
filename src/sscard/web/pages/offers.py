"""Promotions in the console, the bank counter and the hall (issue 15 item 11; SPEC PRM-1):
the centre lists the offers with how many were granted and redeemed and (the province) puts
one in or changes it; a bank clerk redeems a voucher at the counter; the holder sees the
vouchers granted to them with their codes and the offers their card could still get.

The same use cases as the API (`/api/v1/offers`, `/api/v1/offer-redemptions`,
`/api/v1/me/offers`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, invalid
from sscard.kernel.text import ascii_int
from sscard.promotions import service as promotions
from sscard.promotions.permissions import MANAGE_OFFERS
from sscard.promotions.rules import KIND_LABELS, OfferKind, RedeemAt, Trigger
from sscard.scenes.rules import KIND_EN, KIND_ZH, SceneKind
from sscard.web import forms, i18n
from sscard.web.i18n import N_
from sscard.web.pages.bank import bank_clerk
from sscard.web.pages.centre_common import ADMIN, beijing, errors_of, page_context
from sscard.web.pages.hall import cardholder
from sscard.web.pages.names import PlaceNames, place_names
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import form, form_values, read, run, takes_lists

router = page_router()
takes_lists("scene_kinds")
FIELDS = ("code", "name_zh", "name_en", "kind", "sponsor", "trigger", "bank_code", "city_code",
          "value_yuan", "redeem_at", "terms_zh", "terms_en", "effective_from", "effective_until",
          "grant_limit")  # fmt: skip
TRIGGERS = {"first_financial_activation": N_("First financial activation at the bank"),
            "card_collected": N_("Card collected")}  # fmt: skip
PLACES = {"bank_outlet": N_("At a counter of the offer's bank"),
          "scene": N_("At a registered scene")}  # fmt: skip


def _kinds(request: Request) -> dict[str, str]:
    pick = 1 if i18n.language(request) == "en" else 0
    return {k.value: KIND_LABELS[k][pick] for k in OfferKind}


def _scene_kinds(request: Request) -> dict[str, str]:
    """The scene kinds whose terminals may redeem a scene offer, by value, in the reader's
    language (as the scenes' own page names them)."""
    english = i18n.language(request) == "en"
    return {k.value: (KIND_EN if english else KIND_ZH)[k] for k in SceneKind}


# ---- the centre ----


async def _centre(
    request: Request,
    who: StaffSession,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    saved: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    _ = i18n.translator(request)

    async def load(ctx: Ctx) -> tuple[list[dict[str, Any]], PlaceNames, date]:
        names = await place_names(ctx, i18n.language(request))
        return await promotions.list_offers(ctx), names, ctx.today

    found, names, today = await read(request, who.actor, load)
    context = page_context(
        request,
        offers=found,
        names=names,
        kinds=_kinds(request),
        kind_options=list(_kinds(request).items()),
        trigger_options=[(k, _(v)) for k, v in TRIGGERS.items()],
        place_options=[(k, _(v)) for k, v in PLACES.items()],
        scene_kind_names=_scene_kinds(request),
        may_manage=who.actor.role in MANAGE_OFFERS.roles,
        values=values or {"effective_from": today.isoformat()},  # the business date
        errors=errors or {},
        saved=saved,
    )
    return render(request, "centre/offers.html", context, status=status)


@router.get("/centre/offers")
async def offers_page(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    return await _centre(request, who)


@router.post("/centre/offers")
async def save_offer(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    data = await form(request)
    values = form_values(data, *FIELDS)
    values["scene_kinds"] = [str(k) for k in data.getlist("scene_kinds")]
    try:
        terms = _terms(values)
        code = values["code"].strip().upper()
        saved = await run(request, who.actor, lambda ctx: promotions.save_offer(ctx, code, terms))
    except DomainError as refusal:
        errors = errors_of(request, refusal)
        if "value_fen" in errors:
            errors["value_yuan"] = errors.pop("value_fen")
        return await _centre(request, who, values=values, errors=errors, status=refusal.status)
    return await _centre(request, who, saved=saved)


def _terms(v: dict[str, Any]) -> dict[str, Any]:
    """The form's text as the API's terms; InvalidInput naming the field at fault."""
    for name, kind in (("kind", OfferKind), ("trigger", Trigger), ("redeem_at", RedeemAt)):
        if v[name] not in {k.value for k in kind}:
            raise invalid(name, "请选择", "choose one")
    value = v["value_yuan"].strip()
    return {
        "name_zh": _text(v, "name_zh", 64),
        "name_en": _text(v, "name_en", 64),
        "kind": v["kind"],
        "sponsor": _text(v, "sponsor", 64),
        "trigger": v["trigger"],
        "bank_code": v["bank_code"].strip().upper() or None,
        "city_code": v["city_code"].strip() or None,
        "value_fen": forms.fen_of_yuan(value, "value_yuan", 1_000_000) if value else 0,
        "redeem_at": v["redeem_at"],
        "scene_kinds": v["scene_kinds"],  # checked by the use case (scene_kinds, PRM-1)
        "terms_zh": _text(v, "terms_zh", 200),
        "terms_en": _text(v, "terms_en", 200),
        "effective_from": _date(v, "effective_from"),
        "effective_until": _date(v, "effective_until") if v["effective_until"].strip() else None,
        "grant_limit": _count(v, "grant_limit"),
    }


def _text(v: dict[str, str], name: str, most: int) -> str:
    text = v[name].strip()
    if not 1 <= len(text) <= most:
        raise invalid(name, f"须为1至{most}个字符", f"1 to {most} characters")
    return text


def _date(v: dict[str, str], name: str) -> date:
    try:
        return date.fromisoformat(v[name].strip())
    except ValueError:
        raise invalid(name, "须为日期，如2026-12-01", "a date such as 2026-12-01") from None


def _count(v: dict[str, str], name: str) -> int | None:
    text = v[name].strip()
    if not text:
        return None
    count = ascii_int(text, 9)
    if count is None:
        raise invalid(name, "须为不超过9位的正整数", "a whole number of at most 9 digits")
    return count


# ---- the bank counter ----


@router.get("/bank/offers")
async def bank_offers(request: Request, who: StaffSession = Depends(bank_clerk)) -> Response:
    return render(request, "bank/offers.html", {"values": {}, "errors": {}, "redeemed": None})


@router.post("/bank/offers")
async def redeem(request: Request, who: StaffSession = Depends(bank_clerk)) -> Response:
    values = form_values(await form(request), "voucher_code")
    try:
        redeemed = await run(
            request, who.actor, lambda ctx: promotions.redeem_at_outlet(ctx, values["voucher_code"])
        )
    except DomainError as refusal:
        refused: dict[str, Any] = {"values": values, "errors": errors_of(request, refusal),
                                   "redeemed": None}  # fmt: skip
        return render(request, "bank/offers.html", refused, status=refusal.status)
    context: dict[str, Any] = {"values": {}, "errors": {}, "redeemed": redeemed}
    return render(request, "bank/offers.html", context)


# ---- the hall ----


@router.get("/hall/offers")
async def my_offers(request: Request, actor: Actor = Depends(cardholder)) -> Response:
    mine = await run(request, actor, promotions.my_offers)
    english = i18n.language(request) == "en"
    context = {"mine": mine, "english": english, "kinds": _kinds(request), "bj": beijing}
    return render(request, "hall/offers.html", context)
