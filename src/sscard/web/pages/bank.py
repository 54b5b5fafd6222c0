"""The bank outlet counter (issue 12 item 5): a clerk of a bank outlet finds the holder by the
document they present, takes a formal loss (LOSS-2: the social security and financial functions
together) and unlocks a loss (LOSS-3), with the rule of the card's city shown: where a formal
loss taken at a bank may be unlocked (CITY-3 `formal_unlock_scope`, e.g. Suzhou: only the outlet
that took it). Whether this outlet may do it now is the use case's own answer, by dry run.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.applications.counter import service as counter
from sscard.cards.loss import service as loss
from sscard.kernel.actor import Role
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError
from sscard.platform.http.request import PathId
from sscard.registry.reference import service as reference
from sscard.registry.reference.policy import UnlockScope
from sscard.web import checks, i18n
from sscard.web.i18n import N_
from sscard.web.pages.hotline import (
    DONE,
    Procedure,
    card_on_record,
    find_caller,
    labels,
    take,
    unmet_of,
)
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import NotYourDesk, Redirect, of_role, unit

router = page_router()
CLERK = of_role(Role.OUTLET_CLERK)
UNLOCK_SCOPE = {
    UnlockScope.SAME_BANK_ANY_OUTLET.value: N_(
        "at any outlet of the card's bank in the province (the provincial requirement)"
    ),
    UnlockScope.ACCEPTING_OUTLET.value: N_("only at the very outlet that took the loss"),
}


async def bank_clerk(request: Request) -> StaffSession:
    """A clerk of a bank outlet (an HR outlet's clerk has the HR counter)."""
    who = await CLERK(request)
    if who.actor.outlet_kind != "bank":
        raise NotYourDesk()
    return who


async def _outlet(ctx: Ctx) -> dict[str, Any]:
    """The clerk's own outlet, as the reference data has it, in the page's terms."""
    found = await reference.outlet_by_id(ctx, ctx.actor.outlet_id or 0)
    assert found is not None  # a clerk's account is bound to an outlet
    return {"code": found.code, "name_zh": found.name_zh, "name_en": found.name_en,
            "bank_code": found.bank_code, "city_code": found.city_code}  # fmt: skip


async def _desk_context(request: Request, who: StaffSession) -> dict[str, Any]:
    async with unit(request, who.actor) as ctx:
        outlet = await _outlet(ctx)
        names = await place_names(ctx, i18n.language(request))
    return {**labels(request), "outlet": outlet, "names": names}


@router.get("/bank")
async def desk(request: Request, who: StaffSession = Depends(bank_clerk)) -> Response:
    context = {**await _desk_context(request, who), "values": {}, "errors": {}}
    return render(request, "bank/lookup.html", context)


@router.post("/bank")
async def lookup(request: Request, who: StaffSession = Depends(bank_clerk)) -> Response:
    context = await _desk_context(request, who)
    return await find_caller(request, who, "/bank", "bank/lookup.html", context)


@router.get("/bank/persons/{person_id}")
async def person(
    request: Request, person_id: PathId, who: StaffSession = Depends(bank_clerk)
) -> Response:
    """The holder (masked) and their cards; a card opens its procedures."""
    async with unit(request, who.actor) as ctx:
        found = await counter.person_overview(ctx, person_id)
        names = await place_names(ctx, i18n.language(request))
    context = {**labels(request), "person": found, "names": names}
    return render(request, "bank/person.html", context)


@router.get("/bank/cards/{card_number}")
async def card_page(
    request: Request, card_number: str, done: str = "", who: StaffSession = Depends(bank_clerk)
) -> Response:
    return await _card(request, who, card_number, done=done)


async def _card(
    request: Request,
    who: StaffSession,
    card_number: str,
    *,
    done: str = "",
    acted: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    refusal: DomainError | None = None,
) -> Response:
    """The card, the rule of its city on where a formal loss is taken and unlocked, and what
    this outlet may do now (each procedure's refusal from a dry run of its use case)."""
    async with unit(request, who.actor) as ctx:
        card, view = await card_on_record(ctx, card_number)
        city = await reference.city(ctx, card.city_code)
        taken_at = None
        if card.loss_outlet_id is not None:
            taken_at = await reference.outlet_by_id(ctx, card.loss_outlet_id)
        outlet = await _outlet(ctx)
        names = await place_names(ctx, i18n.language(request))
    number = card.card_number
    refusals = await checks.preconditions(
        request,
        who.actor,
        {
            "formal_loss": lambda ctx: loss.report_formal_loss(ctx, number, None),
            "unlock": lambda ctx: loss.unlock(ctx, number, None),
        },
    )
    _ = i18n.translator(request)
    english = i18n.language(request) == "en"
    policy = city["policy_in_force"]
    scope = policy["formal_unlock_scope"]
    context = {
        **labels(request),
        "card": view,
        "person_id": card.person_id,
        "outlet": outlet,
        "names": names,
        "city_name": city["name_en"] if english else city["name_zh"],
        "policy_from": policy["effective_from"],
        "unlock_scope": _(UNLOCK_SCOPE[scope]) if scope in UNLOCK_SCOPE else scope,
        "taken_at": (taken_at.name_en if english else taken_at.name_zh) if taken_at else None,
        "blocked": unmet_of(refusals),
        "done": _(DONE[done]) if done in DONE else "",
        "acted": acted,
        "values": values or {},
        "errors": errors or {},
        "refusal": refusal,
    }
    status = refusal.status if refusal else 200
    return render(request, "bank/card.html", context, status=status)


@router.post("/bank/cards/{card_number}/formal-loss")
async def formal_loss(
    request: Request, card_number: str, who: StaffSession = Depends(bank_clerk)
) -> Response:
    """SPEC LOSS-2: at an outlet of the card's bank, the hr and financial functions together."""
    return await _act(request, who, card_number, "formal_loss", loss.report_formal_loss)


@router.post("/bank/cards/{card_number}/unlock")
async def unlock(
    request: Request, card_number: str, who: StaffSession = Depends(bank_clerk)
) -> Response:
    """SPEC LOSS-3: a bank's formal loss at the outlet the city's policy allows; a temporary
    loss at any outlet of the card's bank."""
    return await _act(request, who, card_number, "unlock", loss.unlock)


async def _act(
    request: Request, who: StaffSession, card_number: str, name: str, procedure: Procedure
) -> Response:
    values, errors, refusal = await take(request, who, card_number, procedure)
    if refusal is not None:
        return await _card(
            request, who, card_number, acted=name, values=values, errors=errors, refusal=refusal
        )
    raise Redirect(f"/bank/cards/{card_number.strip().upper()}?done={name}")
