"""Application use cases: submit at the counter, produce, deliver, collect, withdraw (SPEC APP,
ISS; issue 11)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sscard.applications import lifecycle as proc
from sscard.applications import repository as repo
from sscard.applications.counter import repository as counter
from sscard.applications.events import ApplicationAccepted, ApplicationWithdrawn
from sscard.applications.lifecycle import (
    ApplicationEvent,
    ApplicationKind,
    ApplicationStatus,
    Making,
)
from sscard.applications.permissions import (
    COLLECT_CARD,
    DELIVER_TO_OUTLET,
    FINISH_PRODUCTION,
    LIST_APPLICATIONS,
    START_PRODUCTION,
    SUBMIT_APPLICATION,
    VIEW_APPLICATION,
    WITHDRAW_APPLICATION,
)
from sscard.applications.temporary_medical import service as temporary_medical
from sscard.cards import lifecycle as card_lifecycle
from sscard.cards import repository as cards_repo
from sscard.cards import service as cards
from sscard.cards.entities import Card, CardRef
from sscard.cards.events import ClosureNoticeIssued
from sscard.cards.legacy import service as legacy
from sscard.cards.lifecycle import HrStatus, is_live
from sscard.kernel.actor import Channel, Operation, Role, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, NotFound, visible_or_not_found
from sscard.kernel.events import publish
from sscard.platform import cache, sequences
from sscard.platform.access import service as access
from sscard.platform.history import Change, entries, record
from sscard.platform.paging import next_cursor
from sscard.platform.permissions import VIEW_HISTORY
from sscard.registry.calendar import repository as calendar_repo
from sscard.registry.calendar.rules import UnknownCalendarYear, WorkingCalendar
from sscard.registry.documents import IdentityDocument, examine_document
from sscard.registry.reference import repository as reference
from sscard.registry.reference.entities import Outlet
from sscard.registry.reference.policy import CityPolicy, FeeKind, policy_in_force
from sscard.registry.reference.service import actor_outlet, policy_on
from sscard.registry.representatives import representative_view, sealed_representative
from sscard.registry.service import holder_of, person_age, person_to_act_on

ENTITY = "application"


@dataclass(frozen=True)
class RepresentativeInput:
    """The guardian or agent at the counter (SPEC ID-4), with their own document."""

    role: proc.RepresentativeRole
    relationship: str
    name: str
    document: IdentityDocument
    proof: str | None = None


@dataclass(frozen=True)
class FirstApplication:
    person_id: int
    bank_code: str
    representative: RepresentativeInput | None = None


class DocumentDoesNotMatch(DomainError):
    code = "document_does_not_match"
    status = 422
    rule = "ISS-3"
    message_zh = "所出示的证件不属于申领人或其登记的代办人/监护人"
    message_en = "The document shown belongs neither to the applicant nor to the recorded agent"


class OutletBankOnly(DomainError):
    code = "bank_outlet_own_bank_only"
    status = 422
    rule = "APP-6"
    message_zh = "银行网点只能受理本行（{bank_code}）的社保卡申领"
    message_en = "A bank outlet accepts applications for its own bank ({bank_code}) only"


# ---- submit ----


async def first_application_preconditions(
    ctx: Ctx, req: FirstApplication
) -> tuple[Outlet, CityPolicy]:
    """Every check a first application makes before anything is written (the role and the
    outlet, the person at the counter, ID-3 one card and one application, ID-4 representation,
    APP-5 photo, the city's bank): raises the first refusal; the console shows it before the
    form is sent (issue 12). Returns the outlet and the city policy in force."""
    authorize(ctx.actor, SUBMIT_APPLICATION)
    outlet, _, policy = await at_counter(
        ctx, SUBMIT_APPLICATION, req.person_id, req.representative, refuse_second_card
    )
    await check_bank(ctx, outlet, req.bank_code)
    return outlet, policy


async def submit_first_application(ctx: Ctx, req: FirstApplication) -> dict[str, Any]:
    """SPEC APP-1/2: a first application at the clerk's outlet; instant outlets make it at once."""
    outlet, policy = await first_application_preconditions(ctx, req)
    new = NewApplication(
        ApplicationKind.FIRST, req.person_id, req.bank_code, FeeKind.FIRST_APPLICATION
    )
    app_id = await accept(ctx, outlet, policy, new)
    if req.representative:
        await store_representative(ctx, app_id, req.representative)
    return await detail(ctx, await make_if_instant(ctx, outlet, app_id))


@dataclass(frozen=True)
class NewApplication:
    kind: ApplicationKind
    person_id: int
    bank_code: str
    fee: FeeKind
    replaces_card_id: int | None = None
    exchange_reason: str | None = None


@dataclass(frozen=True)
class Intake:
    """Where an application is taken and how its card is made: the issuing city, the outlet
    that takes it and where it is collected (None: mailed, APP-4), the making (APP-2/4)."""

    city_code: str
    outlet_id: int | None
    making: Making


def intake_at(outlet: Outlet) -> Intake:
    """An application taken at an outlet's counter, made as the outlet makes cards."""
    return Intake(outlet.city_code, outlet.id, Making(outlet.making))


async def accept(ctx: Ctx, outlet: Outlet | Intake, policy: CityPolicy, new: NewApplication) -> int:
    """Record an accepted application with its due date and fee (SPEC APP-2, APP-4, APP-7,
    APP-8), taken at an outlet or as an Intake says; returns its id."""
    intake = outlet if isinstance(outlet, Intake) else intake_at(outlet)
    making = intake.making
    due, unknown_year = await _due(ctx, making, policy)
    reference = await _reference(ctx, intake.city_code)
    app_id = await repo.insert_application(
        ctx.conn,
        {
            "reference": reference,
            "person_id": new.person_id,
            "kind": new.kind.value,
            "channel": ctx.actor.channel.value,
            "outlet_id": intake.outlet_id,
            "city_code": intake.city_code,
            "bank_code": new.bank_code,
            "making": making.value,
            "status": ApplicationStatus.ACCEPTED.value,
            "fee_fen": policy.fee(new.fee),  # SPEC APP-8
            "accepted_on": ctx.today,
            "due_date": due,
            "due_year_unknown": unknown_year,
            "replaces_card_id": new.replaces_card_id,
            "exchange_reason": new.exchange_reason,
            "version": 1,
            "accepted_at": ctx.now,
            "updated_at": ctx.now,
        },
    )
    await record(ctx.conn, ctx.actor, ctx.now, Change(ENTITY, app_id, "accepted", None, "accepted"))
    accepted = ApplicationAccepted(
        application_id=app_id,
        reference=reference,
        kind=new.kind,
        channel=ctx.actor.channel.value,
        city_code=intake.city_code,
        bank_code=new.bank_code,
    )
    await publish(ctx, accepted)
    return app_id


async def make_if_instant(ctx: Ctx, outlet: Outlet, app_id: int) -> dict[str, Any]:
    if Making(outlet.making) is Making.INSTANT:
        for event in proc.INSTANT_EVENTS:  # SPEC APP-2: 立等可取
            await _apply_event(ctx, await _get(ctx, app_id), event)
    return await _get(ctx, app_id)


async def at_counter(
    ctx: Ctx,
    operation: Operation,
    person_id: int,
    rep: RepresentativeInput | None,
    refuse: Callable[[dict[str, Any]], None],
) -> tuple[Outlet, dict[str, Any], CityPolicy]:
    """The clerk's outlet (an inactive one refuses `operation`, GOV-1), the person at the
    counter (refused as `refuse` says, then checked for representation and photo) and the city
    policy in force: the start of every application."""
    outlet = await actor_outlet(ctx, operation)
    await person_to_act_on(ctx, person_id)
    person = await counter.person_at_counter(ctx.conn, person_id=person_id)
    if person is None:
        raise NotFound(field="person_id", what_zh="人员", what_en="Person")
    refuse(person)
    policy = await policy_on(ctx, outlet.city_code)
    await check_applicant(ctx, person, rep, policy)
    return outlet, person, policy


def refuse_second_card(person: dict[str, Any]) -> None:
    """SPEC ID-3: one person, one card in the province."""
    for card in person["cards"] or []:
        if card and is_live(HrStatus(card["hr_status"])):
            raise proc.LiveCardExists(field="person_id", card_number=card["card_number"])
    refuse_open_application(person)


def refuse_open_application(person: dict[str, Any]) -> None:
    """SPEC ID-3: one application at a time."""
    if person["open_application"] is not None:
        raise proc.ApplicationInProgress(field="person_id", reference=person["open_application"])


async def check_applicant(
    ctx: Ctx, person: dict[str, Any], rep: RepresentativeInput | None, policy: CityPolicy
) -> None:
    """SPEC ID-4 representation and APP-5 photo, for every kind of application."""
    age = person_age(person, ctx.today)
    representation = proc.Representation(rep.role, rep.relationship, rep.proof) if rep else None
    proc.check_representation(age, person["civil_capacity"] == "full", representation, policy)
    if rep is not None:
        examine_document(rep.document, today=ctx.today, field="representative.document")
    if age >= proc.PHOTO_REQUIRED_FROM_AGE and not person["has_photo"]:
        raise proc.PhotoRequired(field="photo")  # SPEC APP-5


async def check_bank(ctx: Ctx, outlet: Outlet, bank_code: str) -> None:
    """SPEC APP-6: a cooperating bank of the city; a bank outlet issues its own bank's card."""
    await check_city_bank(ctx, outlet.city_code, bank_code)
    if outlet.is_bank and outlet.bank_code != bank_code:
        raise OutletBankOnly(field="bank_code", bank_code=outlet.bank_code)


async def check_city_bank(ctx: Ctx, city: str, bank_code: str) -> None:
    """SPEC APP-6: BankNotInCityList unless the bank is one of the city's cooperating banks."""
    if bank_code not in await city_bank_codes(ctx, city):
        raise proc.BankNotInCityList(field="bank_code", bank_code=bank_code, city_code=city)


async def _due(ctx: Ctx, making: Making, policy: CityPolicy) -> tuple[date | None, int | None]:
    """Today's application's due date, or the calendar year it waits for."""
    if making is Making.INSTANT:
        return ctx.today, None
    window = proc.calendar_days_needed(proc.making_working_days(making, policy))
    cal = await cache.cached(
        ("calendar", ctx.today, window),
        lambda: calendar_repo.calendar_window(ctx.conn, ctx.today, window),
    )
    return due_date_on(ctx.today, making, policy, cal)


def due_date_on(
    accepted: date, making: Making, policy: CityPolicy, cal: WorkingCalendar
) -> tuple[date | None, int | None]:
    """The due date of an application accepted on `accepted` (working days, SPEC §17), or
    (None, year) when the working calendar of that year is not loaded: never guessed."""
    try:
        return proc.due_date(accepted, making, policy, cal), None
    except UnknownCalendarYear as unknown:
        return None, unknown.year


async def _reference(ctx: Ctx, city_code: str) -> str:
    """SQ + city + date + 8 digits of a province-wide sequence, e.g. SQ32042026112300000042."""
    seq = await sequences.next_value(ctx.conn, "application_reference")
    return sequences.reference_number("SQ", city_code, ctx.today, seq)


async def store_representative(ctx: Ctx, app_id: int, rep: RepresentativeInput) -> None:
    """The guardian or agent, stored sealed (ID-4, ID-6); their document was examined before."""
    number = examine_document(rep.document, today=ctx.today, field="representative.document").number
    await repo.insert_representative(
        ctx.conn,
        {
            "application_id": app_id,
            "role": rep.role.value,
            "relationship": rep.relationship,
            **sealed_representative(ctx.vault, rep.name, rep.document.type.value, number),
            "proof": rep.proof,
        },
    )


# ---- production and delivery (card centre) ----

EVENT_OPERATION = {
    ApplicationEvent.START_PRODUCTION: START_PRODUCTION,
    ApplicationEvent.FINISH_PRODUCTION: FINISH_PRODUCTION,
    ApplicationEvent.DELIVER_TO_OUTLET: DELIVER_TO_OUTLET,
}


async def advance(
    ctx: Ctx, reference: str, event: ApplicationEvent, reason: str | None = None
) -> dict[str, Any]:
    """Move an application one step through production (SPEC APP-7, ISS-1)."""
    operation = EVENT_OPERATION.get(event)
    if operation is None:
        raise proc.ApplicationTransitionRefused(
            state="-", event=event.value, state_zh="-", event_zh=proc.LABEL_ZH[event]
        )
    authorize(ctx.actor, operation)
    app = await _by_reference(ctx, reference)
    proc.check_delivery_event(delivery_mode(app), event)  # EMS cards are not sent to an outlet
    await _apply_event(ctx, app, event, reason)
    return await detail(ctx, await _get(ctx, app["id"]))


def delivery_mode(app: dict[str, Any]) -> proc.DeliveryMode | None:
    """How the application's card reaches its holder: None for a counter's (its outlet)."""
    return proc.DeliveryMode(app["delivery_mode"]) if app["delivery_mode"] else None


async def apply_event(
    ctx: Ctx, app: dict[str, Any], event: ApplicationEvent, reason: str | None = None
) -> dict[str, Any]:
    """One step of the lifecycle table on an application the caller already found and may
    act on (history row, the card made on FINISH_PRODUCTION); returns the row as it now is."""
    await _apply_event(ctx, app, event, reason)
    return await _get(ctx, app["id"])


async def find(ctx: Ctx, reference: str) -> dict[str, Any]:
    """The application the actor may see (NotFound otherwise), for sub-domains' use cases."""
    return await _by_reference(ctx, reference)


async def collected(ctx: Ctx, app: dict[str, Any]) -> None:
    """What collection does once the application is collected, wherever it happened: the hr
    function becomes active (ISS-4) and the card is handed over (REP-1, ISS-5, REP-3)."""
    card = await cards.activate_hr_on_collection(ctx, app["card_id"])
    await _hand_over(ctx, app, card)


async def _apply_event(
    ctx: Ctx, app: dict[str, Any], event: ApplicationEvent, reason: str | None = None
) -> None:
    state = ApplicationStatus(app["status"])
    to = proc.next_status(state, event)
    if event is ApplicationEvent.FINISH_PRODUCTION:
        await cards.produce_card(  # SPEC ISS-1
            ctx,
            application_id=app["id"],
            reference_number=app["reference"],
            person_id=app["person_id"],
            city_code=app["city_code"],
            bank_code=app["bank_code"],
        )
    await repo.move(ctx.conn, app, to, ctx.now)
    await record(ctx.conn, ctx.actor, ctx.now, Change(ENTITY, app["id"], event, state, to, reason))


# ---- collection (SPEC ISS-3, ISS-4) ----


async def collect(ctx: Ctx, reference: str, presented: IdentityDocument) -> dict[str, Any]:
    """Hand the card over at the applying outlet against the applicant's or agent's document.

    SPEC ISS-3 (the applying outlet) holds through visibility: only clerks collect, and a clerk
    sees only their own outlet's applications, so another outlet's clerk is answered NotFound.
    """
    authorize(ctx.actor, COLLECT_CARD)
    app = await _by_reference(ctx, reference)
    await _check_presented(ctx, app, presented)
    await _apply_event(ctx, app, ApplicationEvent.COLLECT)
    await collected(ctx, app)
    return await detail(ctx, await _get(ctx, app["id"]))


async def _hand_over(ctx: Ctx, app: dict[str, Any], card: Card) -> None:
    """The temporary medical card ends (REP-1), older cards give up the medical function
    (ISS-5), and a card collected in place of another supersedes it (REP-3)."""
    await temporary_medical.end_for_application(ctx, app["id"])
    await legacy.move_medical_function(ctx, app["person_id"], card)
    if app["replaces_card_id"]:
        await cards.hand_over_in_place(ctx, app["replaces_card_id"], card)


async def _check_presented(ctx: Ctx, app: dict[str, Any], doc: IdentityDocument) -> None:
    """ISS-4: the document shown is valid and the applicant's, or the recorded agent's."""
    number, holder = await holder_of(ctx, doc, "document")
    if holder == app["person_id"]:
        return
    rep = await repo.representative_of(ctx.conn, app["id"])
    index = ctx.vault.index(number)
    if rep is not None and rep["doc_type"] == doc.type.value and rep["number_index"] == index:
        return
    raise DocumentDoesNotMatch(field="document.number")


# ---- withdrawal (issue 11) ----


@dataclass(frozen=True)
class WithdrawalRequest:
    reason: proc.WithdrawalReason
    note: str | None = None


# The reason the bank reads in the closure request of a card that was never issued.
WITHDRAWN_CLOSURE_REASON = "application_withdrawn"


async def withdraw(ctx: Ctx, reference: str, req: WithdrawalRequest) -> dict[str, Any]:
    """Withdraw an open application, by the card centre or the applying outlet's clerk (the only
    clerk who sees it). What it means follows the state (lifecycle.WITHDRAWAL_MEANS): before
    production nothing was made; in production no card data exists yet; a produced card is
    voided (never issued, destroyed) and its bank told and asked to close the account. The
    temporary medical card ends with it (REP-1). A card it was to replace stays superseded
    (LOSS-4) and may then be cancelled (CAN-3). History row and ApplicationWithdrawn, in this
    transaction."""
    authorize(ctx.actor, WITHDRAW_APPLICATION)
    app = await _by_reference(ctx, reference)
    state = ApplicationStatus(app["status"])
    step = proc.withdrawal(state, req.reason, req.note)
    voided = None
    if step.voiding is proc.Voiding.CARD_VOIDED:
        voided = await _void_card(ctx, app, req.reason)
    await temporary_medical.end_for_application(ctx, app["id"])
    moved = await repo.move(
        ctx.conn,
        app,
        step.to,
        ctx.now,
        withdrawal_reason=req.reason.value,
        withdrawal_note=step.note,
        withdrawn_at=ctx.now,
    )
    why = f"{req.reason.value}: {step.note}" if step.note else req.reason.value
    change = Change(ENTITY, app["id"], ApplicationEvent.WITHDRAW, state, step.to, why)
    await record(ctx.conn, ctx.actor, ctx.now, change)
    await publish(
        ctx,
        ApplicationWithdrawn(
            application_id=app["id"],
            reference=app["reference"],
            kind=ApplicationKind(app["kind"]),
            from_state=state,
            reason=req.reason,
            voiding=step.voiding,
            voided=voided,
            replaced=await _replaced(ctx, app),
        ),
    )
    return await detail(ctx, moved)


async def _void_card(ctx: Ctx, app: dict[str, Any], reason: proc.WithdrawalReason) -> CardRef:
    """The card made for a withdrawn application is never issued: its hr function is voided
    (CardVoided: the bank is told) and, as the bank opened an account on the production data
    (ISS-2), the bank is asked to close it, the application's reference standing for the notice
    (ClosureNoticeIssued, CAN-3). The financial status stays as the bank reports it."""
    card = await cards_repo.get(ctx.conn, app["card_id"])
    assert card is not None  # a produced application has its card
    card = await cards.transition(ctx, card, card_lifecycle.CardEvent.VOID, reason.value)
    if card.financial_status is not card_lifecycle.FinancialStatus.CLOSED:
        closure = ClosureNoticeIssued(card.ref, app["reference"], WITHDRAWN_CLOSURE_REASON, ctx.now)
        await publish(ctx, closure)
    return card.ref


async def _replaced(ctx: Ctx, app: dict[str, Any]) -> CardRef | None:
    """The card a withdrawn replacement or exchange was to replace: it stays superseded."""
    if not app["replaces_card_id"]:
        return None
    old = await cards_repo.get(ctx.conn, app["replaces_card_id"])
    return old.ref if old else None


# ---- reading (SPEC APP-7) ----


async def view(ctx: Ctx, reference: str) -> dict[str, Any]:
    authorize(ctx.actor, VIEW_APPLICATION)
    app = await _by_reference(ctx, reference)
    return await detail(ctx, app)


async def view_by_id(ctx: Ctx, app_id: int) -> dict[str, Any]:
    """An application the use case itself just wrote, as the API answers it."""
    return await detail(ctx, await _get(ctx, app_id))


async def city_bank_codes(ctx: Ctx, city: str) -> list[str]:
    """The city's cooperating banks, in its order (APP-6; cached)."""
    banks = await cache.cached(
        ("city_banks", city), lambda: reference.city_bank_codes(ctx.conn, city)
    )
    return list(banks)


async def _by_reference(ctx: Ctx, reference: str) -> dict[str, Any]:
    """The application if the actor may see it; NotFound otherwise. A hotline agent sees the
    applications of a caller whose number was given to it (platform.access; issue 11)."""
    app = await repo.get_by_reference(ctx.conn, reference.strip().upper())
    found = visible_or_not_found(
        app, lambda a: may_see(ctx, a), field="reference", what_zh="申领", what_en="Application"
    )
    if ctx.actor.role is Role.HOTLINE_AGENT and not await access.presented(ctx, found["person_id"]):
        raise NotFound(field="reference", what_zh="申领", what_en="Application")
    return found


def may_see(ctx: Ctx, app: dict[str, Any]) -> bool:
    """Who sees which applications: the holder their own, an outlet its own, a bank its own;
    the province's centre, the hotline and the auditor any (the auditor only its history: its
    role has no other operation on applications; issue 12, SPEC GOV-5)."""
    actor = ctx.actor
    if actor.role is Role.CARDHOLDER:
        return actor.person_id == app["person_id"]
    if actor.role is Role.OUTLET_CLERK:
        return actor.outlet_id == app["outlet_id"]
    if actor.role is Role.BANK_SYSTEM:
        return actor.bank_code == app["bank_code"]
    if actor.role is Role.CENTRE_ADMIN:  # a city's centre: its own city (issue 11)
        return actor.city_code == app["city_code"]
    return actor.role in (Role.PROVINCE_ADMIN, Role.HOTLINE_AGENT, Role.AUDITOR)


async def _get(ctx: Ctx, app_id: int) -> dict[str, Any]:
    app = await repo.get(ctx.conn, app_id)
    assert app is not None
    return app


async def detail(ctx: Ctx, app: dict[str, Any]) -> dict[str, Any]:
    """An application as the API answers it: the summary, its progress, the representative
    (masked) and the card, from the row the caller already holds (SPEC APP-7)."""
    body = summary(app, ctx.today)
    steps = await entries(ctx.conn, ENTITY, app["id"])
    body["progress"] = [
        {"status": s["to_state"], "at": s["at"], "channel": s["channel"], "reason": s["reason"]}
        for s in steps
        if s["to_state"]
    ]
    rep = await repo.representative_of(ctx.conn, app["id"])
    body["representative"] = representative_view(rep) if rep else None
    card = await cards_repo.get(ctx.conn, app["card_id"]) if app["card_id"] else None
    body["card"] = cards.card_view(card) if card else None
    delivery = await repo.delivery_of(ctx.conn, app["id"]) if app["delivery_mode"] else None
    body["delivery"] = delivery_view(delivery)
    return body


def summary(app: dict[str, Any], today: date) -> dict[str, Any]:
    """The listing form of an application: masked, with its deadline (SPEC APP-7, ID-6)."""
    status = ApplicationStatus(app["status"])
    return {
        "reference": app["reference"],
        "kind": app["kind"],
        "status": status.value,
        "channel": app["channel"],
        "making": app["making"],
        "city_code": app["city_code"],
        "outlet_code": app["outlet_code"],
        "outlet_name": app["outlet_name_zh"],
        "bank_code": app["bank_code"],
        "fee_fen": app["fee_fen"],
        "person": {"name": app["person_name_masked"], "ssn": app["person_ssn_masked"]},
        "accepted_on": app["accepted_on"],
        "accepted_at": app["accepted_at"],
        "due_date": app["due_date"],
        "due_waits_for_calendar_year": app["due_year_unknown"],
        "overdue": proc.is_overdue(status, app["due_date"], today),
        "withdrawal": _withdrawal_view(app),
        "delivery_mode": app["delivery_mode"],
        "tracking_number": app["tracking_number"],
    }


def delivery_view(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """An online application's delivery as answered: the address masked (ID-6)."""
    if row is None:
        return None
    ems = row["mode"] == proc.DeliveryMode.EMS
    place = (
        f"{row['province']}{row['city']}{row['district']}{row['detail_masked']}" if ems else None
    )
    return {
        "mode": row["mode"],
        "address": place,
        "recipient": row["recipient_masked"],
        "phone": row["phone_masked"],
        "tracking_number": row["tracking_number"],
        "sent_at": row["sent_at"],
        "delivered_at": row["delivered_at"],
        "returned_at": row["returned_at"],
    }


def _withdrawal_view(app: dict[str, Any]) -> dict[str, Any] | None:
    """Why and when a withdrawn application was withdrawn (issue 11); None otherwise."""
    if not app["withdrawal_reason"]:
        return None
    reason = proc.WithdrawalReason(app["withdrawal_reason"])
    return {
        "reason": reason.value,
        "reason_zh": reason.label_zh,
        "note": app["withdrawal_note"],
        "at": app["withdrawn_at"],
    }


@dataclass(frozen=True)
class ListFilter:
    city_code: str | None = None
    outlet_code: str | None = None
    status: ApplicationStatus | None = None
    overdue: bool = False
    due_unknown: bool = False
    delivery_mode: proc.DeliveryMode | None = None  # online applications mailed or sent on
    after_id: int = 0
    limit: int = 100


async def list_applications(ctx: Ctx, f: ListFilter) -> tuple[list[dict[str, Any]], int | None]:
    """A page of applications the actor may see, and the cursor of the next page."""
    authorize(ctx.actor, LIST_APPLICATIONS)
    scope = await _scope(ctx, f)
    rows = await repo.search(
        ctx.conn,
        status=f.status.value if f.status else None,
        overdue_on=ctx.today if f.overdue else None,
        due_unknown=f.due_unknown,
        delivery_mode=f.delivery_mode.value if f.delivery_mode else None,
        after_id=f.after_id,
        limit=f.limit,
        **scope,
    )
    cursor = next_cursor(rows, f.limit)
    return [summary(r, ctx.today) for r in rows], cursor


async def _scope(ctx: Ctx, f: ListFilter) -> dict[str, Any]:
    actor = ctx.actor
    if actor.role is Role.CARDHOLDER:
        return {"person_id": actor.person_id or -1}
    if actor.role is Role.OUTLET_CLERK:
        return {"outlet_id": actor.outlet_id}
    outlet_id = None
    if f.outlet_code:
        outlet = await reference.get_outlet_by_code(ctx.conn, f.outlet_code)
        outlet_id = outlet.id if outlet else -1
    city = f.city_code
    if actor.role is Role.CENTRE_ADMIN and city != actor.city_code:
        city = actor.city_code if city is None else "----"  # another city's: none (issue 11)
    return {"city_code": city, "outlet_id": outlet_id}


# ---- calendar (SPEC §17) ----


async def settle_due_dates(ctx: Ctx, year: int) -> int:
    """After a calendar year is loaded, give waiting applications their due dates.

    Set-based: the waiting applications in (city, accepted day, making) groups, each city's
    policies and one calendar window spanning every group read once, one UPDATE per group.
    The calendar is not taken from the cache: the year was loaded in this very transaction.
    """
    groups = await repo.pending_due_groups(ctx.conn, year)
    if not groups:
        return 0
    cities = {g["city_code"] for g in groups}
    policies = {city: await reference.city_policies_of(ctx.conn, city) for city in cities}
    in_force = [
        policy_in_force(policies[g["city_code"]], g["city_code"], g["accepted_on"]) for g in groups
    ]
    first = min(g["accepted_on"] for g in groups)
    last = max(g["accepted_on"] for g in groups)
    span = max(
        proc.calendar_days_needed(proc.making_working_days(Making(g["making"]), p))
        for g, p in zip(groups, in_force, strict=True)
    )
    cal = await calendar_repo.calendar_window(ctx.conn, first, (last - first).days + span)
    updated = 0
    for group, policy in zip(groups, in_force, strict=True):
        making = Making(group["making"])
        due, unknown = due_date_on(group["accepted_on"], making, policy, cal)
        updated += await repo.set_due_for_group(ctx.conn, group, year, due, unknown)
    return updated


# ---- history (SPEC CH-2) ----


async def history_of(ctx: Ctx, reference: str) -> list[dict[str, Any]]:
    """The application's and its card's history, oldest first (SPEC CH-2)."""
    authorize(ctx.actor, VIEW_HISTORY)
    app = await _by_reference(ctx, reference)
    rows = await entries(ctx.conn, ENTITY, app["id"])
    if app["card_id"]:
        rows += await entries(ctx.conn, "card", app["card_id"])
    rows.sort(key=lambda r: r["id"])
    return rows


# ---- unit batches (issue 13; SPEC APP-3, ISS-3): added for units.production/units.collection ----

# Steps without side effects beyond the row and its history: one statement for a whole batch.
BULK_EVENTS = frozenset(
    {
        ApplicationEvent.START_PRODUCTION,
        ApplicationEvent.DELIVER_TO_OUTLET,
        ApplicationEvent.HAND_TO_UNIT,
    }
)


async def advance_in_bulk(
    ctx: Ctx, among: Any, event: ApplicationEvent, reason: str | None = None
) -> list[int]:
    """Move every application `among` selects (a SELECT of application ids) one step by
    `event`, set-based: one UPDATE for all of them and their history rows in one statement
    (SPEC APP-3: a batch of thousands is not a loop of round trips). Only steps with no other
    effect (BULK_EVENTS); the centre's steps are authorised here, HAND_TO_UNIT by the caller's
    own operation (units.collection). Applications no longer in the step's starting state are
    left as they are. Returns the ids moved."""
    if event not in BULK_EVENTS:
        raise ValueError(f"{event} has effects beyond the application row: move one by one")
    operation = EVENT_OPERATION.get(event)
    if operation is not None:
        authorize(ctx.actor, operation)
    (state,) = [s for (s, e) in proc.TRANSITIONS if e is event]
    to = proc.next_status(state, event)
    moved = await repo.move_all(ctx.conn, among, state, to, ctx.now)
    changes = [Change(ENTITY, app_id, event, state, to, reason) for app_id in moved]
    await record(ctx.conn, ctx.actor, ctx.now, *changes)
    return moved


async def finish_production_of(ctx: Ctx, among: Any, limit: int | None = None) -> list[int]:
    """FINISH_PRODUCTION for the applications `among` selects that are in production (at most
    `limit`, oldest first): read in one query, then each card is produced as for a single
    application (cards.produce_card: number, history, CardProduced for the bank, ISS-1/2), so
    this is a loop of a few statements per card. Returns the ids finished."""
    authorize(ctx.actor, FINISH_PRODUCTION)
    apps = await repo.all_among(ctx.conn, among, ApplicationStatus.IN_PRODUCTION, limit)
    for app in apps:
        await _apply_event(ctx, app, ApplicationEvent.FINISH_PRODUCTION)
    return [app["id"] for app in apps]


async def distribute_from_unit(ctx: Ctx, application_id: int) -> dict[str, Any]:
    """SPEC ISS-3/4: the unit's signed distribution list says the member received the card:
    DISTRIBUTE (with_unit -> collected), the hr function becomes active as on collection, and
    everything collection does follows (_hand_over: REP-1, ISS-5, REP-3). The caller
    (units.collection) authorises its own operation and checks the card is on its list."""
    app = await _get(ctx, application_id)
    await _apply_event(ctx, app, ApplicationEvent.DISTRIBUTE)
    card = await cards.activate_hr_on_collection(ctx, app["card_id"])
    await _hand_over(ctx, app, card)
    return summary(await _get(ctx, application_id), ctx.today)


async def return_to_stock_from_unit(ctx: Ctx, application_id: int, reason: str | None) -> None:
    """SPEC ISS-3: a card the unit did not hand out goes back to the centre's stock
    (RETURN_TO_STOCK: with_unit -> produced); the application stays open. Authorised by the
    caller (units.collection)."""
    app = await _get(ctx, application_id)
    await _apply_event(ctx, app, ApplicationEvent.RETURN_TO_STOCK, reason)


# ---- unit batch (issue 13, SPEC APP-3; added by the unit channel): set-based acceptance ----


@dataclass(frozen=True)
class BatchTerms:
    """What every application of one unit batch shares (APP-3): the unit's outlet, the one
    bank chosen for all, the city policy in force and the due date (calendar days)."""

    outlet: Outlet
    bank_code: str
    policy: CityPolicy
    due_date: date


@dataclass(frozen=True)
class BatchMember:
    """One accepted member: the person, and the guardian (ID-4) whose document was examined."""

    person_id: int
    guardian: RepresentativeInput | None = None


async def accept_batch(
    ctx: Ctx, terms: BatchTerms, members: Iterable[BatchMember], most: int
) -> list[tuple[int, str]]:
    """Record a unit batch's accepted members as first applications through the unit_batch
    channel, never made on the spot (APP-3: fast making, due on `terms.due_date`); returns
    (application id, reference) per member, in order.

    Set-based for 100,000 members: `members` may be a generator yielding at most `most`
    members, judged as the applications stream to the database (COPY on PostgreSQL), so the
    server stores while the caller judges the next ones. Ids and references are taken for
    `most` in one statement each; those a refused candidate leaves unused are gaps, as a
    rolled-back application leaves one. The history rows (CH-2) and guardians (ID-4) follow
    in bulk, and one ApplicationAccepted per application is published in one batch (the
    statistics add them up in one upsert). The caller has authorised the agent and checked
    every member (ID-3, ID-4, APP-5, APP-6); the open-application index still refuses the
    whole statement if a person gained an open application meanwhile (Conflict: the unit of
    work rolls back and the batch can be run again)."""
    if most <= 0:
        return []
    city = terms.outlet.city_code
    values = await repo.reference_values(ctx.conn, most)
    references = [sequences.reference_number("SQ", city, ctx.today, v) for v in values]
    fee = terms.policy.fee(FeeKind.FIRST_APPLICATION)  # SPEC APP-8: free by default
    channel = Channel.UNIT_BATCH.value  # SPEC CH-1, whoever runs the batch (agent or worker)
    taken: list[BatchMember] = []
    fixed = {
        "kind": ApplicationKind.FIRST.value,
        "channel": channel,
        "outlet_id": terms.outlet.id,
        "city_code": city,
        "bank_code": terms.bank_code,
        "making": Making.FAST.value,
        "status": ApplicationStatus.ACCEPTED.value,
        "fee_fen": fee,
        "accepted_on": ctx.today,
        "due_date": terms.due_date,
        "due_year_unknown": None,
        "replaces_card_id": None,
        "exchange_reason": None,
        "version": 1,
        "accepted_at": ctx.now,
        "updated_at": ctx.now,
    }

    def rows() -> Iterator[dict[str, Any]]:
        # members first: the stream is drawn to its end before the references run out
        for m, ref in zip(members, references, strict=False):
            taken.append(m)
            yield {"reference": ref, "person_id": m.person_id, **fixed}

    ids = await repo.insert_applications(ctx.conn, rows(), most)
    references = references[: len(ids)]
    actor = ctx.actor
    # The rows platform.history.record writes, one per application (CH-2), COPYed in bulk.
    said = {
        "event": "accepted",
        "from_state": None,
        "to_state": "accepted",
        "actor_id": actor.id,
        "role": actor.role.value,
        "channel": actor.channel.value,
        "outlet_id": actor.outlet_id,
        "at": ctx.now,
        "reason": None,
    }
    history = ({"entity": ENTITY, "entity_id": i, **said} for i in ids)
    await repo.insert_history(ctx.conn, history)
    guardians = [
        {
            "application_id": i,
            "role": m.guardian.role.value,
            "relationship": m.guardian.relationship,
            **sealed_representative(
                ctx.vault,
                m.guardian.name,
                m.guardian.document.type.value,
                m.guardian.document.number,
            ),
            "proof": m.guardian.proof,
        }
        for i, m in zip(ids, taken, strict=True)
        if m.guardian is not None
    ]
    if guardians:
        await repo.insert_representatives(ctx.conn, guardians)
    accepted = [
        ApplicationAccepted(
            application_id=i,
            reference=reference,
            kind=ApplicationKind.FIRST,
            channel=channel,
            city_code=city,
            bank_code=terms.bank_code,
        )
        for i, reference in zip(ids, references, strict=True)
    ]
    await publish(ctx, *accepted)
    return list(zip(ids, references, strict=True))
