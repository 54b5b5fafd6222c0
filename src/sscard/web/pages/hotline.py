"""The 12333 hotline desk (issue 12 item 4): find the caller's card by the number they give, read
its state and the application's progress (APP-7), take a temporary loss or unlock one (LOSS-1,
LOSS-3), and see the moment a temporary loss lifts by itself.

The caller's number travels in a form, never in a URL (SPEC ID-6). The lookup is the API's own
(`POST /api/v1/persons/lookup`): it opens the person's record to this agent for the working day
(platform.access), and the person and card pages read on that ground; an agent the caller never
gave their number to gets "not found", as through the API (issue 11).

The lookup and the card's state are shared with the bank outlet counter (pages/bank.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.applications import service as applications
from sscard.applications.counter import service as counter
from sscard.cards import service as cards
from sscard.cards.entities import Card
from sscard.cards.loss import service as loss
from sscard.kernel.actor import ROLE_EN, ROLE_ZH, Role
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError
from sscard.platform.http.request import PathId, TransitionIn
from sscard.registry.reference import service as reference
from sscard.registry.schemas import LookupIn
from sscard.web import checks, forms, i18n
from sscard.web.i18n import N_
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import Redirect, form, form_values, of_role, run, unit

router = page_router()
AGENT = of_role(Role.HOTLINE_AGENT)
# China keeps one zone all year: a moment is shown in Beijing time, to the second.
BEIJING = timezone(timedelta(hours=8))
LOOKUP_FIELD = "social_security_number"

HR_STATUS = {
    "produced": N_("Produced, not yet collected"),
    "active": N_("Active"),
    "temporarily_lost": N_("Temporarily lost"),
    "formally_lost": N_("Formally lost"),
    "cancelled": N_("Cancelled"),
    "superseded": N_("Superseded by a new card"),
}
FINANCIAL_STATUS = {
    "account_requested": N_("Account requested"),
    "account_opened": N_("Account opened"),
    "active": N_("Active"),
    "lost": N_("Reported lost"),
    "closed": N_("Closed"),
}
APPLICATION_STATUS = {
    "accepted": N_("Accepted"),
    "in_production": N_("In production"),
    "produced": N_("Produced"),
    "ready_for_collection": N_("At the outlet, ready for collection"),
    "mailed": N_("Mailed by EMS"),
    "with_unit": N_("With the unit's agent"),
    "collected": N_("Collected"),
    "withdrawn": N_("Withdrawn"),
}
CHANNEL = {
    "hr_outlet": N_("HR outlet"),
    "bank_outlet": N_("Bank outlet"),
    "hotline": N_("12333 hotline"),
    "online": N_("Online"),
    "unit_batch": N_("Unit batch"),
    "system": N_("System"),
    "centre": N_("Card centre"),
    "operator_cli": N_("Operator command line"),
    "sweep": N_("Lifted by itself"),
    "onsite": N_("Bank on-site visit"),
}
DONE = {
    "temporary_loss": N_("Temporary loss taken. The bank was told."),
    "formal_loss": N_("Formal loss taken, for the social security and financial functions."),
    "unlock": N_("The loss is unlocked; the card is usable again."),
}
OK_STATES = frozenset({"active"})
LOST_STATES = frozenset({"temporarily_lost", "formally_lost", "cancelled", "superseded"})


# ---- shared with the bank outlet counter and the audit pages ----


def moment(value: datetime | date | None) -> str:
    """A stored moment in Beijing time to the second ('—' for none); a date as it is."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    return value.isoformat()


def labels(request: Request) -> dict[str, Any]:
    """The label helpers every desk template of these pages takes."""
    _ = i18n.translator(request)
    english = i18n.language(request) == "en"

    def label(table: dict[str, str], value: str | None) -> str:
        if value is None:
            return "—"
        return _(table[value]) if value in table else value

    def role(value: str) -> str:
        try:
            known = Role(value)
        except ValueError:
            return value
        return ROLE_EN[known] if english else ROLE_ZH[known]

    def tone(hr_status: str) -> str:
        return "ok" if hr_status in OK_STATES else "bad" if hr_status in LOST_STATES else ""

    return {
        "moment": moment,
        "hr_label": lambda v: label(HR_STATUS, v),
        "financial_label": lambda v: label(FINANCIAL_STATUS, v),
        "application_label": lambda v: label(APPLICATION_STATUS, v),
        "channel_label": lambda v: label(CHANNEL, v),
        "role_label": role,
        "tone": tone,
    }


async def find_caller(
    request: Request,
    who: StaffSession,
    desk: str,
    template: str,
    context: dict[str, Any] | None = None,
) -> Response:
    """The lookup by the number the person gives (the API's own use case and schema); the
    person's page follows, or the refusal is shown by the field with what was typed kept
    (`context`: what else the desk's lookup page shows)."""
    values = form_values(await form(request), LOOKUP_FIELD)
    try:
        number = forms.parse(LookupIn, values).social_security_number
        found = await run(request, who.actor, lambda ctx: counter.lookup_by_ssn(ctx, number))
    except DomainError as refusal:
        errors = forms.field_messages(request, refusal)
        page = {**labels(request), **(context or {}), "values": values, "errors": errors}
        return render(request, template, page, status=refusal.status)
    raise Redirect(f"{desk}/persons/{found['person_id']}")


async def card_on_record(ctx: Ctx, card_number: str) -> tuple[Card, dict[str, Any]]:
    """The card as read for this desk (allowed and logged as through the API) and its view."""
    card = await cards.read_card(ctx, card_number)
    return card, cards.card_state_view(card)


Procedure = Callable[[Ctx, str, str | None], Awaitable[Any]]


async def take(
    request: Request, who: StaffSession, card_number: str, procedure: Procedure
) -> tuple[dict[str, str], dict[str, str], DomainError | None]:
    """A card procedure with the form's reason, as the API's route runs it: (values, field
    errors, refusal); nothing is stored when it is refused."""
    values = form_values(await form(request), "reason")
    try:
        reason = forms.parse(TransitionIn, values).reason
        await run(request, who.actor, lambda ctx: procedure(ctx, card_number, reason))
    except DomainError as refusal:
        return values, forms.field_messages(request, refusal), refusal
    return values, {}, None


def unmet_of(refusals: dict[str, DomainError | None]) -> dict[str, list[DomainError]]:
    """Each procedure's precondition not met now (empty list: it would go through)."""
    return {name: [r] if r is not None else [] for name, r in refusals.items()}


# ---- the hotline desk ----


@router.get("/hotline")
async def desk(request: Request, who: StaffSession = Depends(AGENT)) -> Response:
    context = {**labels(request), "values": {}, "errors": {}}
    return render(request, "hotline/lookup.html", context)


@router.post("/hotline")
async def lookup(request: Request, who: StaffSession = Depends(AGENT)) -> Response:
    return await find_caller(request, who, "/hotline", "hotline/lookup.html")


@router.get("/hotline/persons/{person_id}")
async def person(
    request: Request, person_id: PathId, who: StaffSession = Depends(AGENT)
) -> Response:
    """The caller (masked), their cards and the open application's progress and due date."""
    async with unit(request, who.actor) as ctx:
        found = await counter.person_overview(ctx, person_id)
        reference = found["open_application"]
        application = await applications.view(ctx, reference) if reference else None
        names = await place_names(ctx, i18n.language(request))
    context = {**labels(request), "person": found, "application": application, "names": names}
    return render(request, "hotline/person.html", context)


@router.get("/hotline/cards/{card_number}")
async def card_page(
    request: Request, card_number: str, done: str = "", who: StaffSession = Depends(AGENT)
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
    """The card's state, any loss and when it lifts by itself (LOSS-1), and what the agent may
    do now: each procedure's precondition from a dry run of its own use case."""
    async with unit(request, who.actor) as ctx:
        card, view = await card_on_record(ctx, card_number)
        bank = next((b for b in await reference.banks(ctx) if b.code == card.bank_code), None)
        names = await place_names(ctx, i18n.language(request))
    number = card.card_number
    refusals = await checks.preconditions(
        request,
        who.actor,
        {
            "temporary_loss": lambda ctx: loss.report_temporary_loss(ctx, number, None),
            "unlock": lambda ctx: loss.unlock(ctx, number, None),
        },
    )
    _ = i18n.translator(request)
    context = {
        **labels(request),
        "card": view,
        "person_id": card.person_id,
        "bank_hotline": bank.hotline if bank else None,
        "names": names,
        "blocked": unmet_of(refusals),
        "done": _(DONE[done]) if done in DONE else "",
        "acted": acted,
        "values": values or {},
        "errors": errors or {},
        "refusal": refusal,
    }
    status = refusal.status if refusal else 200
    return render(request, "hotline/card.html", context, status=status)


@router.post("/hotline/cards/{card_number}/temporary-loss")
async def temporary_loss(
    request: Request, card_number: str, who: StaffSession = Depends(AGENT)
) -> Response:
    """SPEC LOSS-1: hotline only, the hr function, 7 days; the card's bank is told."""
    return await _act(request, who, card_number, "temporary_loss", loss.report_temporary_loss)


@router.post("/hotline/cards/{card_number}/unlock")
async def unlock(
    request: Request, card_number: str, who: StaffSession = Depends(AGENT)
) -> Response:
    """SPEC LOSS-3: a temporary loss is unlocked by the hotline (a formal one is refused)."""
    return await _act(request, who, card_number, "unlock", loss.unlock)


async def _act(
    request: Request, who: StaffSession, card_number: str, name: str, procedure: Procedure
) -> Response:
    values, errors, refusal = await take(request, who, card_number, procedure)
    if refusal is not None:
        return await _card(
            request, who, card_number, acted=name, values=values, errors=errors, refusal=refusal
        )
    raise Redirect(f"/hotline/cards/{card_number.strip().upper()}?done={name}")
