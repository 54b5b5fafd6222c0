"""The HR outlet counter's card pages (issue 12 item 2): a card, and every card procedure the
API has at an HR outlet, each a form that first shows what stands in its way.

`/counter/cards/{card_number}` shows the card (state per function, holder masked) and leads to
replacement (REP-1, LOSS-4), exchange by each REP-2 reason, the temporary medical card (REP-1),
the hr password on a PIN pad (PWD-1..3), the city transfer in its two steps (JUR-1) and
cancellation with each reason's documents (CAN-1..4). Every route calls the use case the API's
endpoint calls; what is not possible now comes from a dry run of that very use case
(`checks.dry_run`), never from a rule written here. A password typed on the pad goes only into
the POST's body: it is never put in a URL, a log, a page or an answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel

from sscard.actors.staff.service import StaffSession
from sscard.applications.counter import service as counter
from sscard.applications.renewal import service as renewal
from sscard.applications.renewal.rules import ExchangeReason
from sscard.applications.renewal.schemas import ExchangeIn, ReplacementIn, UpgradeIn
from sscard.applications.temporary_medical import service as temporary_medical
from sscard.cards import service as cards
from sscard.cards.cancellation import service as cancellation
from sscard.cards.cancellation.rules import CancellationReason, Relationship
from sscard.cards.cancellation.schemas import CancelIn
from sscard.cards.jurisdiction import service as jurisdiction
from sscard.cards.jurisdiction.schemas import CityChangeIn
from sscard.cards.legacy.rules import BankClosure, OldCard
from sscard.cards.passwords import service as passwords
from sscard.cards.passwords.schemas import HrPasswordResetIn, HrPasswordSetIn
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError
from sscard.platform.http.request import PathId
from sscard.platform.validation import InvalidFields
from sscard.registry.documents import DocumentType
from sscard.registry.reference import service as reference
from sscard.web import forms, i18n
from sscard.web.checks import dry_run, preconditions
from sscard.web.i18n import N_
from sscard.web.pages import counter_representative as representative
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import at_desk, form, run, unit

router = page_router()
CLERK = at_desk("/counter")  # an HR outlet's clerk: a bank outlet's has the bank counter
CARD = "/counter/cards/{card_number}"
Values = dict[str, str]

HR_STATES = {
    "produced": N_("Made, not yet collected"),
    "active": N_("Active"),
    "temporarily_lost": N_("Temporarily lost"),
    "formally_lost": N_("Formally lost"),
    "cancelled": N_("Cancelled"),
    "superseded": N_("Superseded by a new card"),
}
FINANCIAL_STATES = {
    "account_requested": N_("Account requested from the bank"),
    "account_opened": N_("Account opened, not activated"),
    "active": N_("Active"),
    "lost": N_("Reported lost at the bank"),
    "closed": N_("Account closed"),
}
EXCHANGE_REASONS = {
    ExchangeReason.DAMAGE: N_("Damaged by the holder"),
    ExchangeReason.QUALITY_FAULT: N_("Quality fault of the card"),
    ExchangeReason.NEW_PHOTO: N_("New photo"),
    ExchangeReason.BASE_DATA_CHANGE: N_("Change of printed base data"),
    ExchangeReason.BANK_CHANGE: N_("Change of cooperating bank"),
    ExchangeReason.EXPIRY: N_("Financial function past or near its 10 years"),
}
RELATIONSHIPS = {
    Relationship.SPOUSE: N_("Spouse"),
    Relationship.PARENT: N_("Parent"),
    Relationship.CHILD: N_("Child"),
    Relationship.SIBLING: N_("Sibling"),
    Relationship.GRANDPARENT: N_("Grandparent"),
    Relationship.GRANDCHILD: N_("Grandchild"),
    Relationship.GUARDIAN: N_("Guardian"),
    Relationship.HOUSEHOLD_MEMBER: N_("Member of the household"),
    Relationship.OTHER: N_("Other (agent)"),
}
APPLICATION_STATES = {
    "accepted": N_("Accepted"),
    "in_production": N_("In production"),
    "produced": N_("Produced"),
    "ready_for_collection": N_("Ready for collection"),
    "mailed": N_("Mailed by EMS"),
    "with_unit": N_("With the unit's agent"),
    "collected": N_("Collected"),
    "withdrawn": N_("Withdrawn"),
}
DONE = {
    "replacement": N_("Replacement accepted"),
    "exchange": N_("Exchange accepted"),
    "upgrade": N_("Upgrade accepted"),
}
GENERATIONS = {1: N_("Generation 1 (city citizen card)"), 2: N_("Generation 2 (provincial card)")}
BANK_CLOSURES = {
    BankClosure.NONE: N_("Nothing done at its bank"),
    BankClosure.FORMALLY_LOST: N_("Formally reported lost at its bank"),
    BankClosure.CLOSED: N_("Account closed at its bank"),
}


# ---- shared steps ----


# A refusal naming a whole group (a document, a representative) is shown by its first input.
GROUPS = {
    "document": "document_number",
    "holder_document": "holder_document_number",
    "representative": "representative_name",
    "representative_document": "representative_document_number",
}


def _input(field: str) -> str:
    """The form input a refusal's field names: a dotted path (holder_document.number) is the
    input holder_document_number; '' for a refusal naming no field."""
    key = field.replace(".", "_")
    return GROUPS.get(key, key)


def _messages(request: Request, refusal: DomainError) -> dict[str, str]:
    """Each refusal's reason in the page language, by the form input it names."""
    english = i18n.language(request) == "en"
    if isinstance(refusal, InvalidFields):
        out: dict[str, str] = {}
        for e in refusal.errors:
            out.setdefault(_input(e["field"]), e["reason_en"] if english else e["reason_zh"])
        return out
    return {_input(refusal.field or ""): forms.next_to_field(refusal, english)}


def _split(
    request: Request, refusal: DomainError, inputs: Iterable[str]
) -> tuple[dict[str, str], DomainError | None]:
    """(messages next to the form's own inputs, the refusal to show above the form if it names
    none of them)."""
    shown = set(inputs)
    messages = _messages(request, refusal)
    by_field = {k: v for k, v in messages.items() if k in shown}
    return by_field, (None if by_field else refusal)


def _document(values: Values, prefix: str) -> dict[str, str] | None:
    """A document typed as two inputs (`<prefix>_type`, `<prefix>_number`), or None."""
    number = values.get(f"{prefix}_number", "")
    if not number:
        return None
    return {"type": values.get(f"{prefix}_type", "") or "resident_id", "number": number}


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in ("", None)}


def _parse(schema: type[BaseModel], data: dict[str, Any]) -> Any:
    """The API's own schema of the body (raises InvalidFields as the API answers 422)."""
    return forms.parse(schema, _compact(data))


async def _values(request: Request, *names: str) -> Values:
    data = await form(request)
    return {n: str(data.get(n) or "").strip() for n in names}


async def _card(request: Request, who: StaffSession, card_number: str) -> dict[str, Any]:
    """The card as it reads now (logged), its holder masked, its hr password state, and the
    names of the cities and banks."""
    async with unit(request, who.actor) as ctx:
        card = await cards.read_card(ctx, card_number)
        holder = await counter.person_overview(ctx, card.person_id)
        password = await passwords.state_of(ctx, card.card_number)
        names = await place_names(ctx, i18n.language(request))
    return {
        "card": card,
        "view": cards.card_state_view(card),
        "holder": holder,
        "password": password,
        "hr_states": HR_STATES,
        "financial_states": FINANCIAL_STATES,
        "names": names,
    }


def _unmet(found: DomainError | None, ignore: Iterable[str] = ()) -> list[DomainError]:
    """A dry run's refusal as a list to show, unless it is about an input the form asks for
    (the dry run had nothing to put there yet)."""
    if found is None:
        return []
    skip = set(ignore)
    if isinstance(found, InvalidFields) or (found.field or "").split(".")[0] in skip:
        return []
    return [found]


async def _banks(request: Request, who: StaffSession) -> list[tuple[str, str]]:
    """The outlet city's cooperating banks (CITY-2), code and name in the page language."""
    english = i18n.language(request) == "en"

    async def read(ctx: Ctx) -> list[tuple[str, str]]:
        codes = (await reference.city(ctx, who.actor.city_code or ""))["bank_codes"]
        names = {b.code: (b.name_en if english else b.name_zh) for b in await reference.banks(ctx)}
        return [(c, names.get(c, c)) for c in codes]

    return await run(request, who.actor, read)


async def _cities(request: Request, who: StaffSession) -> list[tuple[str, str]]:
    english = i18n.language(request) == "en"
    found = await run(request, who.actor, reference.cities)
    return [(c.code, c.name_en if english else c.name_zh) for c in found]


def _documents(request: Request) -> list[tuple[str, str]]:
    english = i18n.language(request) == "en"
    return [(d.value, d.label_en if english else d.label_zh) for d in DocumentType]


# ---- the card ----


@router.get(CARD)
async def card_page(
    card_number: str, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    return render(request, "counter/card/card.html", await _card(request, who, card_number))


# ---- replacement after a formal loss (REP-1, LOSS-4) ----


async def _replacement_page(
    request: Request,
    who: StaffSession,
    card_number: str,
    values: Values,
    errors: dict[str, str],
    refusal: DomainError | None,
    status: int = 200,
) -> Response:
    context = await _card(request, who, card_number)
    number = context["card"].card_number
    found = await dry_run(
        request, who.actor, lambda ctx: renewal.submit_replacement(ctx, renewal.Replacement(number))
    )
    context.update(
        unmet=_unmet(found, ("representative",)),
        needs_representative=representative.needed(found),
        rep_choices=representative.choices(request),
        banks=await _banks(request, who),
        values=values or {"bank_code": context["card"].bank_code},
        errors=errors,
        refusal=refusal,
    )
    return render(request, "counter/card/replacement.html", context, status=status)


@router.get(CARD + "/replacement")
async def replacement_form(
    card_number: str, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    return await _replacement_page(request, who, card_number, {}, {}, None)


@router.post(CARD + "/replacement")
async def replace(
    card_number: str, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    values = await _values(request, "bank_code", *representative.INPUTS)
    data = {"bank_code": values["bank_code"], "representative": representative.body(values)}
    try:
        body = _parse(ReplacementIn, data)
        app = await run(
            request,
            who.actor,
            lambda ctx: renewal.submit_replacement(ctx, body.domain(card_number)),
        )
    except DomainError as refusal:
        errors, above = _split(request, refusal, values)
        return await _replacement_page(
            request, who, card_number, values, errors, above, refusal.status
        )
    return await _accepted(request, who, card_number, app, "replacement")


async def _accepted(
    request: Request,
    who: StaffSession,
    card_number: str | None,
    app: dict[str, Any],
    kind: str,
    person_id: int | None = None,
) -> Response:
    if card_number:
        context = await _card(request, who, card_number)
    else:
        names = await run(request, who.actor, lambda ctx: place_names(ctx, i18n.language(request)))
        context = {"card": None, "names": names}
    if person_id is None:
        person_id = context["card"].person_id
    context.update(app=app, title=DONE[kind], app_states=APPLICATION_STATES, person_id=person_id)
    return render(request, "counter/card/accepted.html", context, status=201)


# ---- exchange, by REP-2 reason (REP-2 a-e, REP-3, REP-6) ----


def _exchange_probe(card_number: str, reason: ExchangeReason, other_bank: str | None) -> Any:
    """The exchange as the clerk would send it for this reason, old card handed in (REP-3);
    a change of bank to another of the city's banks (REP-2c)."""
    bank = other_bank if reason is ExchangeReason.BANK_CHANGE else None
    req = renewal.Exchange(card_number, reason, True, bank)
    return lambda ctx: renewal.submit_exchange(ctx, req)


async def _exchange_page(
    request: Request,
    who: StaffSession,
    card_number: str,
    values: Values,
    errors: dict[str, str],
    refusal: DomainError | None,
    status: int = 200,
) -> Response:
    context = await _card(request, who, card_number)
    card = context["card"]
    banks = await _banks(request, who)
    other = next((code for code, _ in banks if code != card.bank_code), None)
    reasons = []
    probes = {r.value: _exchange_probe(card.card_number, r, other) for r in ExchangeReason}
    found = await preconditions(request, who.actor, probes)  # one transaction, a savepoint each
    for reason in ExchangeReason:
        reasons.append(
            {
                "value": reason.value,
                "label": EXCHANGE_REASONS[reason],
                "unmet": _unmet(found[reason.value], ("representative",)),
                # Not "possible now" while a guardian is wanted: what the reason itself
                # needs is checked after the guardian, so it is not known yet.
                "possible": found[reason.value] is None,
            }
        )
    context.update(
        reasons=reasons,
        needs_representative=any(representative.needed(f) for f in found.values()),
        rep_choices=representative.choices(request),
        banks=banks,
        values=values,
        errors=errors,
        refusal=refusal,
    )
    return render(request, "counter/card/exchange.html", context, status=status)


@router.get(CARD + "/exchange")
async def exchange_form(
    card_number: str, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    return await _exchange_page(request, who, card_number, {}, {}, None)


@router.post(CARD + "/exchange")
async def exchange(
    card_number: str, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    values = await _values(
        request, "reason", "old_card_returned", "bank_code", *representative.INPUTS
    )
    data = {
        "reason": values["reason"],
        "old_card_returned": "true" if values["old_card_returned"] else "false",
        "bank_code": values["bank_code"],
        "representative": representative.body(values),
    }
    try:
        body = _parse(ExchangeIn, data)
        app = await run(
            request, who.actor, lambda ctx: renewal.submit_exchange(ctx, body.domain(card_number))
        )
    except DomainError as refusal:
        errors, above = _split(request, refusal, values)
        return await _exchange_page(
            request, who, card_number, values, errors, above, refusal.status
        )
    return await _accepted(request, who, card_number, app, "exchange")


# ---- temporary medical card while the new card is made (REP-1) ----


@router.get(CARD + "/temporary-medical")
async def temporary_medical_form(
    card_number: str, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    context = await _card(request, who, card_number)
    person_id = context["card"].person_id
    found = await dry_run(request, who.actor, lambda ctx: temporary_medical.issue(ctx, person_id))
    context.update(unmet=_unmet(found), refusal=None, issued=None)
    return render(request, "counter/card/temporary_medical.html", context)


@router.post(CARD + "/temporary-medical")
async def issue_temporary_medical(
    card_number: str, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    context = await _card(request, who, card_number)
    person_id = context["card"].person_id
    try:
        issued = await run(request, who.actor, lambda ctx: temporary_medical.issue(ctx, person_id))
    except DomainError as refusal:
        context.update(unmet=[], refusal=refusal, issued=None)
        return render(
            request, "counter/card/temporary_medical.html", context, status=refusal.status
        )
    context.update(unmet=[], refusal=None, issued=issued)
    return render(request, "counter/card/temporary_medical.html", context, status=201)


# ---- the hr password on a PIN pad (PWD-1..3) ----

PIN_INPUTS = ("old_password", "new_password", "new_password_again")
PROBE = "000000"  # fills the new-password slot of a dry run; refusals about it are ignored


async def _password_page(
    request: Request,
    who: StaffSession,
    card_number: str,
    values: Values,
    errors: dict[str, str],
    refusal: DomainError | None,
    *,
    status: int = 200,
    done: str | None = None,
) -> Response:
    context = await _card(request, who, card_number)
    number = context["card"].card_number

    async def set_or_change(ctx: Ctx) -> None:
        answer = await passwords.set_password(ctx, number, PROBE)
        locked = passwords.refusal_of(answer)
        if locked is not None:
            raise locked

    # verify("") walks reset's own first steps (a usable card, a password to reset) and stops
    # at the format check, before any try is counted; it is rolled back anyway.
    async def reset_steps(ctx: Ctx) -> None:
        await passwords.verify(ctx, number, "")

    ignore = ("document", "old_password", "new_password", "password")
    context.update(
        set_unmet=_unmet(await dry_run(request, who.actor, set_or_change), ignore),
        reset_unmet=_unmet(await dry_run(request, who.actor, reset_steps), ignore),
        documents=_documents(request),
        values=values,
        errors=errors,
        refusal=refusal,
        done=done,
    )
    return render(request, "counter/card/password.html", context, status=status)


@router.get(CARD + "/hr-password")
async def password_form(
    card_number: str, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    return await _password_page(request, who, card_number, {}, {}, None)


async def _password_post(
    request: Request,
    who: StaffSession,
    card_number: str,
    use_case: Callable[[Ctx], Awaitable[dict[str, Any]]] | None,
    values: Values,
    refusal: DomainError | None,
    inputs: Iterable[str],
) -> Response:
    """Run the password use case (its answer is committed: a wrong old password counts,
    PWD-3), then report its refusal; the typed digits are never shown again."""
    kept = {k: v for k, v in values.items() if k not in PIN_INPUTS}
    if refusal is None and use_case is not None:
        try:
            answer = await run(request, who.actor, use_case)
            refusal = passwords.refusal_of(answer)
            if refusal is None:
                return await _password_page(
                    request, who, card_number, {}, {}, None, done=answer["outcome"]
                )
        except DomainError as refused:
            refusal = refused
    assert refusal is not None
    errors, above = _split(request, refusal, [*inputs, "document_number", "document_type"])
    return await _password_page(
        request, who, card_number, kept, errors, above, status=refusal.status
    )


class PinsDiffer(DomainError):
    """The two entries of the new password on the pad differ (a typing slip, not a rule)."""

    code = "pins_differ"
    status = 422
    message_zh = "两次输入的新密码不一致"
    message_en = "The two entries of the new password differ"


async def _pin_values(request: Request) -> tuple[Values, DomainError | None]:
    values = await _values(request, "mode", *PIN_INPUTS, "document_type", "document_number")
    if values["new_password"] != values["new_password_again"]:
        return values, PinsDiffer(field="new_password_again")
    return values, None


@router.post(CARD + "/hr-password")
async def set_password(
    card_number: str, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    """PWD-1/2: set (with the holder's ID) or change (with the old password)."""
    values, refusal = await _pin_values(request)
    use_case = None
    if refusal is None:
        try:
            body = _parse(
                HrPasswordSetIn,
                {
                    "new_password": values["new_password"],
                    "old_password": values["old_password"],
                    "document": _document(values, "document"),
                },
            )
        except DomainError as refused:
            refusal = refused
        else:
            document = body.document.domain() if body.document else None
            old = body.old_password.get_secret_value() if body.old_password else None
            new = body.new_password.get_secret_value()

            async def use_case(ctx: Ctx) -> dict[str, Any]:
                return await passwords.set_password(ctx, card_number, new, old, document)

    return await _password_post(request, who, card_number, use_case, values, refusal, PIN_INPUTS)


@router.post(CARD + "/hr-password/reset")
async def reset_password(
    card_number: str, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    """PWD-3: with the card and the holder's ID, a new password; unlocks it."""
    values, refusal = await _pin_values(request)
    use_case = None
    if refusal is None:
        try:
            body = _parse(
                HrPasswordResetIn,
                {
                    "new_password": values["new_password"],
                    "document": _document(values, "document"),
                },
            )
        except DomainError as refused:
            refusal = refused
        else:
            document, new = body.document.domain(), body.new_password.get_secret_value()

            async def use_case(ctx: Ctx) -> dict[str, Any]:
                return await passwords.reset(ctx, card_number, new, document)

    return await _password_post(request, who, card_number, use_case, values, refusal, PIN_INPUTS)


# ---- the city transfer in two steps (JUR-1) ----

TRANSFER_INPUTS = (
    "to_city_code",
    "transfer_certificate_number",
    "document_type",
    "document_number",
)


async def _transfer_page(
    request: Request,
    who: StaffSession,
    card_number: str,
    values: Values,
    errors: dict[str, str],
    refusal: DomainError | None,
    *,
    status: int = 200,
    done: str | None = None,
) -> Response:
    context = await _card(request, who, card_number)
    number = context["card"].card_number
    step1 = await dry_run(
        request, who.actor, lambda ctx: jurisdiction.city_change_preconditions(ctx, number)
    )
    step2 = await dry_run(
        request, who.actor, lambda ctx: jurisdiction.reset_social_data(ctx, number)
    )
    context.update(
        step1_unmet=_unmet(step1),
        step2_unmet=_unmet(step2),
        cities=[c for c in await _cities(request, who) if c[0] != context["card"].city_code],
        documents=_documents(request),
        values=values,
        errors=errors,
        refusal=refusal,
        done=done,
    )
    return render(request, "counter/card/transfer.html", context, status=status)


@router.get(CARD + "/transfer")
async def transfer_form(
    card_number: str, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    return await _transfer_page(request, who, card_number, {}, {}, None)


@router.post(CARD + "/transfer/management-city")
async def change_city(
    card_number: str, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    """JUR-1 step 1, at the outgoing city."""
    values = await _values(request, *TRANSFER_INPUTS)
    data = {
        "to_city_code": values["to_city_code"],
        "transfer_certificate_number": values["transfer_certificate_number"],
        "document": _document(values, "document"),
    }
    try:
        body = _parse(CityChangeIn, data)
        await run(
            request,
            who.actor,
            lambda ctx: jurisdiction.change_city(
                ctx,
                card_number,
                body.to_city_code,
                body.transfer_certificate_number,
                body.document.domain(),
            ),
        )
    except DomainError as refusal:
        errors, above = _split(request, refusal, TRANSFER_INPUTS)
        return await _transfer_page(
            request, who, card_number, values, errors, above, status=refusal.status
        )
    return await _transfer_page(request, who, card_number, {}, {}, None, done="city_changed")


@router.post(CARD + "/transfer/social-data-reset")
async def reset_social_data(
    card_number: str, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    """JUR-1 step 2, at an outlet of the new city."""
    try:
        await run(request, who.actor, lambda ctx: jurisdiction.reset_social_data(ctx, card_number))
    except DomainError as refusal:
        return await _transfer_page(
            request, who, card_number, {}, {}, refusal, status=refusal.status
        )
    return await _transfer_page(request, who, card_number, {}, {}, None, done="social_data_reset")


# ---- cancellation with each reason's documents (CAN-1..4, JUR-2) ----

CANCEL_INPUTS = (
    "reason",
    "card_presented",
    "police_certificate_number",
    "transfer_certificate_number",
    "holder_document_type",
    "holder_document_number",
    "representative_name",
    "representative_document_type",
    "representative_document_number",
    "representative_relationship",
    "note",
)


async def _cancel_page(
    request: Request,
    who: StaffSession,
    card_number: str,
    reason: str,
    values: Values,
    errors: dict[str, str],
    refusal: DomainError | None,
    *,
    status: int = 200,
    done: dict[str, Any] | None = None,
) -> Response:
    context = await _card(request, who, card_number)
    number = context["card"].card_number
    found = await dry_run(
        request, who.actor, lambda ctx: cancellation.cancellation_preconditions(ctx, number)
    )
    checklist = await run(
        request, who.actor, lambda ctx: cancellation.document_checklist(ctx, number)
    )
    chosen = next((r for r in checklist if r["reason"] == reason), None)
    wanted = {d["field"] for p in (chosen or {}).get("presenters", []) for d in p["documents"]}
    english = i18n.language(request) == "en"
    context.update(
        unmet=_unmet(found) if done is None else [],
        checklist=checklist,
        chosen=chosen,
        wanted=wanted,
        reasons=[(r["reason"], r["label_en"] if english else r["label_zh"]) for r in checklist],
        relationships=[(r.value, i18n.translator(request)(RELATIONSHIPS[r])) for r in Relationship],
        documents=_documents(request),
        values=values,
        errors=errors,
        refusal=refusal,
        done=done,
    )
    return render(request, "counter/card/cancel.html", context, status=status)


@router.get(CARD + "/cancellation")
async def cancel_form(
    card_number: str, request: Request, reason: str = "", who: StaffSession = Depends(CLERK)
) -> Response:
    chosen = reason if reason in set(CancellationReason) else ""
    return await _cancel_page(request, who, card_number, chosen, {"reason": chosen}, {}, None)


@router.post(CARD + "/cancellation")
async def cancel(
    card_number: str, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    values = await _values(request, *CANCEL_INPUTS)
    representative = None
    if values["representative_name"] or values["representative_document_number"]:
        representative = {
            "name": values["representative_name"],
            "document": _document(values, "representative_document")
            or {"type": values["representative_document_type"] or "resident_id", "number": ""},
            "relationship": values["representative_relationship"] or None,
        }
    data = {
        "reason": values["reason"],
        "card_presented": "true" if values["card_presented"] else "false",
        "police_certificate_number": values["police_certificate_number"],
        "transfer_certificate_number": values["transfer_certificate_number"],
        "holder_document": _document(values, "holder_document"),
        "representative": _compact(representative) if representative else None,
        "note": values["note"],
    }
    try:
        body = _parse(CancelIn, data)
        done = await run(
            request,
            who.actor,
            lambda ctx: cancellation.cancel_card(ctx, card_number, body.domain()),
        )
    except DomainError as refusal:
        errors, above = _split(request, refusal, CANCEL_INPUTS)
        return await _cancel_page(
            request,
            who,
            card_number,
            values["reason"],
            values,
            errors,
            above,
            status=refusal.status,
        )
    return await _cancel_page(
        request, who, card_number, values["reason"], {}, {}, None, status=201, done=done
    )


# ---- upgrade from a generation 1 or 2 card (GEN-3) ----

UPGRADE_INPUTS = (
    "bank_code",
    "old_card_generation",
    "old_card_number",
    "old_card_issuer_city_code",
    "old_card_bank_code",
    "old_card_bank_closure",
    "old_card_presented",
)
# Fills the old card's slots of a dry run (a gen-2 card from outside Jiangsu, no bank, brought
# along); refusals about the old card itself are the form's to show once it is typed.
PROBE_OLD_CARD = OldCard(2, "000000", None, None, BankClosure.NONE, True)


async def _upgrade_page(
    request: Request,
    who: StaffSession,
    person_id: PathId,
    values: Values,
    errors: dict[str, str],
    refusal: DomainError | None,
    status: int = 200,
) -> Response:
    holder = await run(request, who.actor, lambda ctx: counter.person_overview(ctx, person_id))
    banks = await _banks(request, who)
    probe = renewal.Upgrade(person_id, banks[0][0] if banks else "", PROBE_OLD_CARD)
    found = await dry_run(request, who.actor, lambda ctx: renewal.submit_upgrade(ctx, probe))
    _ = i18n.translator(request)
    context = {
        "holder": holder,
        "unmet": _unmet(found, ("old_card", "representative")),
        "needs_representative": representative.needed(found),
        "rep_choices": representative.choices(request),
        "banks": banks,
        "all_banks": await run(request, who.actor, _bank_names(request)),
        "cities": await _cities(request, who),
        "generations": [(str(g), _(label)) for g, label in GENERATIONS.items()],
        "closures": [(c.value, _(label)) for c, label in BANK_CLOSURES.items()],
        "values": values or {"old_card_generation": "2", "old_card_bank_closure": "none"},
        "errors": errors,
        "refusal": refusal,
    }
    return render(request, "counter/card/upgrade.html", context, status=status)


def _bank_names(request: Request) -> Callable[[Ctx], Awaitable[list[tuple[str, str]]]]:
    english = i18n.language(request) == "en"

    async def read(ctx: Ctx) -> list[tuple[str, str]]:
        return [(b.code, b.name_en if english else b.name_zh) for b in await reference.banks(ctx)]

    return read


@router.get("/counter/persons/{person_id}/upgrade")
async def upgrade_form(
    person_id: PathId, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    return await _upgrade_page(request, who, person_id, {}, {}, None)


@router.post("/counter/persons/{person_id}/upgrade")
async def upgrade(
    person_id: PathId, request: Request, who: StaffSession = Depends(CLERK)
) -> Response:
    values = await _values(request, *UPGRADE_INPUTS, *representative.INPUTS)
    old_card = {
        "generation": values["old_card_generation"],
        "number": values["old_card_number"],
        "issuer_city_code": values["old_card_issuer_city_code"],
        "bank_code": values["old_card_bank_code"],
        "bank_closure": values["old_card_bank_closure"],
        "presented": "true" if values["old_card_presented"] else "false",
    }
    data = {
        "person_id": str(person_id),
        "bank_code": values["bank_code"],
        "old_card": _compact(old_card),
        "representative": representative.body(values),
    }
    try:
        body = _parse(UpgradeIn, data)
        app = await run(request, who.actor, lambda ctx: renewal.submit_upgrade(ctx, body.domain()))
    except DomainError as refusal:
        errors, above = _split(request, refusal, (*UPGRADE_INPUTS, *representative.INPUTS))
        return await _upgrade_page(request, who, person_id, values, errors, above, refusal.status)
    return await _accepted(request, who, None, app, "upgrade", person_id)
