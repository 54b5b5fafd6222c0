"""The cardholder's online hall (issue 13): their own record (items 2), applying online for a
first card or a replacement after a formal loss with the card mailed by EMS or collected at an
outlet of any Jiangsu city (item 3-4; SPEC APP-4, APP-1, ID-5, REP-1, ISS-3), and the centre's
side of it: the card handed to EMS with its waybill, delivered (collected on delivery) or
brought back.

Only ever the signed-in cardholder's own person: the actor names the person, no request does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sscard.applications import repository as repo
from sscard.applications import service as applications
from sscard.applications.counter import repository as counter
from sscard.applications.lifecycle import (
    ADULT_AGE,
    ONLINE_WORKING_DAYS,
    PHOTO_REQUIRED_FROM_AGE,
    ApplicationEvent,
    ApplicationKind,
    DeliveryMode,
    Making,
    check_delivery_event,
)
from sscard.applications.online import rules
from sscard.applications.online.hooks import CARD_MAILED, CARD_RETURNED
from sscard.applications.online.permissions import (
    APPLY_ONLINE,
    MAIL_CARD,
    REPLACE_ONLINE,
    VIEW_OWN_RECORD,
)
from sscard.applications.online.rules import PostalAddress
from sscard.applications.renewal.service import FormalLossFirst
from sscard.cards.entities import Card
from sscard.cards.lifecycle import CardEvent, HrStatus, is_live
from sscard.cards.service import load, transition
from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, NotFound
from sscard.kernel.masking import mask_name, mask_phone
from sscard.platform.notify import service as notifications
from sscard.registry import service as registry
from sscard.registry.credit.rules import check_note
from sscard.registry.documents import PersonCategory
from sscard.registry.reference import service as reference
from sscard.registry.reference.policy import CityPolicy, FeeKind
from sscard.registry.service import person_age, person_view

MESSAGES_SHOWN = 20  # the latest messages the hall lists
COLLECTING_OUTLETS = "collect"  # the outlet operation a collection outlet offers (GOV-1)


async def my_record(ctx: Ctx) -> dict[str, Any]:
    """{person (masked), cards, open application (with progress and due date) or None, the
    latest messages}; NotFound if the cardholder's person is gone."""
    authorize(ctx.actor, VIEW_OWN_RECORD)
    person = await _own_person(ctx)
    await registry.reach_person(ctx, person)
    body = person_view(person, ctx.today)
    body["has_photo"] = bool(person["has_photo"])
    body["cards"] = [c for c in person["cards"] or [] if c]
    reference_no = person["open_application"]
    body["open_application"] = await applications.view(ctx, reference_no) if reference_no else None
    body["messages"] = await notifications.latest_of_person(ctx, person["id"], MESSAGES_SHOWN)
    return body


async def _own_person(ctx: Ctx) -> dict[str, Any]:
    person = await counter.person_at_counter(ctx.conn, person_id=ctx.actor.person_id or 0)
    if person is None:
        raise NotFound(field="person_id", what_zh="人员", what_en="Person")
    return person


# ---- applying online (APP-4) ----


@dataclass(frozen=True)
class Delivery:
    """Where the card goes: by EMS to `address`, or to the outlet `outlet_code` (any city)."""

    mode: DeliveryMode
    address: PostalAddress | None = None
    outlet_code: str | None = None


@dataclass(frozen=True)
class OnlineApplication:
    bank_code: str
    delivery: Delivery


class CollectionOutletRefused(DomainError):
    code = "collection_outlet_refused"
    status = 422
    rule = "APP-1"
    message_zh = "网点“{outlet_code}”不办理领卡业务或已停用，请另选领卡网点"
    message_en = "Outlet '{outlet_code}' does not hand out cards or is closed; choose another"


class DeliveryIncomplete(DomainError):
    code = "delivery_incomplete"
    status = 422
    rule = "APP-4"
    message_zh = "{what_zh}"
    message_en = "{what_en}"


async def online_options(ctx: Ctx) -> dict[str, Any]:
    """What the hall offers the signed-in person: the issuing city (theirs in the registry),
    its cooperating banks (APP-6), the outlets of the province that hand out cards (APP-1),
    whether a first application is open to them (else the refusal that sends them elsewhere,
    ID-5, APP-4) and the formally lost cards they may replace online (REP-1)."""
    authorize(ctx.actor, APPLY_ONLINE)
    person = await _own_person(ctx)
    refusal = None
    try:
        _check_first(ctx, person)
    except DomainError as refused:
        refusal = {
            "code": refused.code,
            "rule": refused.rule,
            "detail_zh": refused.detail_zh,
            "detail_en": refused.detail_en,
        }
    banks = {b.code: b for b in await reference.banks(ctx)}
    city_banks = await applications.city_bank_codes(ctx, person["city_code"])
    city = next(c for c in await reference.cities(ctx) if c.code == person["city_code"])
    return {
        "city_code": city.code,
        "city_name_zh": city.name_zh,
        "city_name_en": city.name_en,
        "banks": [
            {"code": c, "name_zh": banks[c].name_zh, "name_en": banks[c].name_en}
            for c in city_banks
            if c in banks
        ],
        "outlets": [
            {"code": o.code, "name_zh": o.name_zh, "name_en": o.name_en, "city_code": o.city_code}
            for o in await reference.outlets(ctx, None)
            if o.active and COLLECTING_OUTLETS in o.operations
        ],
        "first_application": refusal,
        "replaceable_cards": [
            c["card_number"]
            for c in person["cards"] or []
            if c and c["hr_status"] == HrStatus.FORMALLY_LOST.value
        ],
        "working_days": ONLINE_WORKING_DAYS,
    }


def _check_first(ctx: Ctx, person: dict[str, Any]) -> None:
    """APP-4, ID-5, ID-3: a first application online is for a mainland adult holding no
    provincial card, whose photo the registry has; others are told where to go."""
    for card in person["cards"] or []:
        if card and is_live(HrStatus(card["hr_status"])):
            raise rules.ExchangeAtAnOutlet(field="person", card_number=card["card_number"])
    applications.refuse_open_application(person)
    _check_online_applicant(ctx, person)


def _check_online_applicant(ctx: Ctx, person: dict[str, Any]) -> None:
    age = person_age(person, ctx.today)
    rules.check_online_applicant(
        rules.OnlineApplicant(
            mainland=person["category"] == PersonCategory.MAINLAND.value,
            adult_with_full_capacity=age >= ADULT_AGE and person["civil_capacity"] == "full",
            needs_photo=age >= PHOTO_REQUIRED_FROM_AGE,
            has_photo=bool(person["has_photo"]),
        )
    )


@dataclass(frozen=True)
class _Checked:
    mode: DeliveryMode
    address: PostalAddress | None
    outlet_id: int | None


@dataclass(frozen=True)
class _Prepared:
    person: dict[str, Any]
    replaced: Card | None
    city_code: str
    bank_code: str
    delivery: _Checked


async def _prepare(ctx: Ctx, req: OnlineApplication, card_number: str | None) -> _Prepared:
    """Every check of an online application, nothing written. A first application (APP-4,
    ID-5, ID-3): the person's own city, a bank of its list. A replacement (REP-1, APP-4 [000
    Q8]): the holder's own formally lost card, its city, its bank by default."""
    person = await _own_person(ctx)
    replaced = None
    if card_number is None:
        _check_first(ctx, person)
        city, bank = person["city_code"], req.bank_code
    else:
        replaced = await load(ctx, card_number)
        if replaced.person_id != person["id"]:
            raise NotFound(field="card_number", what_zh="卡片", what_en="Card")
        if replaced.hr_status != HrStatus.FORMALLY_LOST:
            raise FormalLossFirst(field="card_number", state=replaced.hr_status)
        applications.refuse_open_application(person)
        _check_online_applicant(ctx, person)
        city, bank = replaced.city_code, req.bank_code or replaced.bank_code
    bank = bank.strip().upper()
    await applications.check_city_bank(ctx, city, bank)
    delivery = await _checked_delivery(ctx, req.delivery)
    return _Prepared(person, replaced, city, bank, delivery)


async def preview_online(
    ctx: Ctx, req: OnlineApplication, card_number: str | None = None
) -> dict[str, Any]:
    """What an online application would be, for the hall's "check your answers" page: every
    check made, nothing written. {kind, city_code, bank_code, delivery_mode, outlet_id (the
    collection outlet or None), working_days}; raises what apply_online or replace_online
    would."""
    authorize(ctx.actor, APPLY_ONLINE if card_number is None else REPLACE_ONLINE)
    ready = await _prepare(ctx, req, card_number)
    kind = ApplicationKind.FIRST if card_number is None else ApplicationKind.REPLACEMENT
    return {
        "kind": kind.value,
        "city_code": ready.city_code,
        "bank_code": ready.bank_code,
        "delivery_mode": ready.delivery.mode.value,
        "outlet_id": ready.delivery.outlet_id,
        "working_days": ONLINE_WORKING_DAYS,
    }


async def apply_online(ctx: Ctx, req: OnlineApplication) -> dict[str, Any]:
    """APP-4: the signed-in person's first application; the card is made by the issuing city's
    centre (the person's city in the registry) within 15 working days and mailed by EMS
    (postage paid by the recipient) or sent to the outlet chosen, in any Jiangsu city (APP-1).
    Raises the refusals of _check_first, BankNotInCityList, AddressRefused,
    CollectionOutletRefused, DeliveryIncomplete."""
    authorize(ctx.actor, APPLY_ONLINE)
    ready = await _prepare(ctx, req, None)
    new = applications.NewApplication(
        ApplicationKind.FIRST, ready.person["id"], ready.bank_code, FeeKind.FIRST_APPLICATION
    )
    return await _accept_online(ctx, ready, new)


async def replace_online(ctx: Ctx, card_number: str, req: OnlineApplication) -> dict[str, Any]:
    """APP-4 [000 Q8], REP-1: a replacement of the person's own formally lost card, online; the
    old card dies now (LOSS-4) and the new one comes as for a first application online, from
    the card's city. Raises NotFound (another's card), FormalLossFirst, and what a first
    application online raises but for the card held."""
    authorize(ctx.actor, REPLACE_ONLINE)
    ready = await _prepare(ctx, req, card_number)
    assert ready.replaced is not None
    await transition(ctx, ready.replaced, CardEvent.APPLY_REPLACEMENT, "网上补卡")
    new = applications.NewApplication(
        ApplicationKind.REPLACEMENT,
        ready.person["id"],
        ready.bank_code,
        FeeKind.REPLACEMENT,
        ready.replaced.id,
    )
    return await _accept_online(ctx, ready, new)


async def _accept_online(
    ctx: Ctx, ready: _Prepared, new: applications.NewApplication
) -> dict[str, Any]:
    policy: CityPolicy = await reference.policy_on(ctx, ready.city_code)
    intake = applications.Intake(ready.city_code, ready.delivery.outlet_id, Making.ONLINE)
    app_id = await applications.accept(ctx, intake, policy, new)
    row = {"application_id": app_id, **_sealed(ctx, ready.delivery)}
    await repo.insert_delivery(ctx.conn, row)
    return await applications.view_by_id(ctx, app_id)


async def _checked_delivery(ctx: Ctx, delivery: Delivery) -> _Checked:
    """The delivery checked: an address for EMS, an outlet that hands out cards otherwise, and
    never both (a contradiction is refused, not resolved by guessing)."""
    if delivery.mode is DeliveryMode.EMS and delivery.outlet_code is not None:
        raise DeliveryIncomplete(
            field="delivery.outlet_code",
            what_zh="邮寄领卡不填写领卡网点",
            what_en="A card mailed by EMS names no collection outlet",
        )
    if delivery.mode is DeliveryMode.OUTLET and delivery.address is not None:
        raise DeliveryIncomplete(
            field="delivery.address",
            what_zh="网点领卡不填写邮寄地址",
            what_en="A card collected at an outlet needs no postal address",
        )
    if delivery.mode is DeliveryMode.EMS:
        if delivery.address is None:
            raise DeliveryIncomplete(
                field="delivery.address",
                what_zh="邮寄领卡须填写邮寄地址",
                what_en="Mailing the card needs a postal address",
            )
        return _Checked(DeliveryMode.EMS, rules.check_address(delivery.address), None)
    code = (delivery.outlet_code or "").strip()
    if not code:
        raise DeliveryIncomplete(
            field="delivery.outlet_code",
            what_zh="网点领卡须选择领卡网点",
            what_en="Collecting at an outlet needs the outlet chosen",
        )
    try:
        outlet = await reference.outlet(ctx, code)
    except NotFound:
        outlet = None
    if outlet is None or not outlet.active or COLLECTING_OUTLETS not in outlet.operations:
        raise CollectionOutletRefused(field="delivery.outlet_code", outlet_code=code[:20])
    return _Checked(DeliveryMode.OUTLET, None, outlet.id)


def _sealed(ctx: Ctx, checked: _Checked) -> dict[str, Any]:
    """The delivery row: the street, recipient and phone sealed and masked (ID-6)."""
    row: dict[str, Any] = {"mode": checked.mode.value, "collection_outlet_id": checked.outlet_id}
    a = checked.address
    if a is not None:
        row |= {"province": a.province, "city": a.city, "district": a.district}
        row |= ctx.vault.seal("detail", a.detail, mask=_mask_street)
        row |= ctx.vault.seal("recipient", a.recipient, mask=mask_name)
        row |= ctx.vault.seal("phone", a.phone, mask=mask_phone)
    return row


def _mask_street(detail: str) -> str:
    """The street's first characters only: enough for the holder to recognise it."""
    return detail[:4] + "****"


# ---- the centre mails the card (APP-4, ISS-3) ----


async def send_by_courier(ctx: Ctx, reference_no: str, tracking_number: str) -> dict[str, Any]:
    """The centre hands a produced card to EMS: the waybill number is recorded (unique) and
    the holder told by SMS. Raises TrackingNumberRefused, TrackingNumberInUse, NotThisWay."""
    authorize(ctx.actor, MAIL_CARD)
    number = rules.check_tracking_number(tracking_number)
    app = await _mailed_step(ctx, reference_no, ApplicationEvent.SEND_BY_COURIER, number)
    await repo.record_waybill(ctx.conn, app["id"], number, ctx.now)
    await repo.update_delivery(ctx.conn, app["id"], {"tracking_number": number, "sent_at": ctx.now})
    await notifications.enqueue(
        ctx.conn,
        person_id=app["person_id"],
        template=CARD_MAILED.code,
        params={"reference": app["reference"], "tracking_number": number},
        at=ctx.now,
    )
    return await applications.view_by_id(ctx, app["id"])


async def confirm_delivery(ctx: Ctx, reference_no: str) -> dict[str, Any]:
    """EMS delivered the card: the application is collected on delivery (ISS-3) and the hr
    function becomes active (ISS-4), as at an outlet."""
    authorize(ctx.actor, MAIL_CARD)
    app = await _mailed_step(ctx, reference_no, ApplicationEvent.CONFIRM_DELIVERY, None)
    number = await _waybill_in_use(ctx, app["id"])
    await repo.close_waybill(ctx.conn, number, {"delivered_at": ctx.now})
    await repo.update_delivery(ctx.conn, app["id"], {"delivered_at": ctx.now})
    await applications.collected(ctx, app)
    return await applications.view_by_id(ctx, app["id"])


async def return_undelivered(ctx: Ctx, reference_no: str, reason: str | None) -> dict[str, Any]:
    """EMS brought the card back: the centre holds it again (produced) and mails it again with
    a new waybill (the returned one is never used again); the application stays open and the
    holder is told by SMS, with where to correct the address."""
    authorize(ctx.actor, MAIL_CARD)
    kept = check_note(reason, "reason")  # SPEC ID-6: the reason holds no ID or phone number
    app = await _mailed_step(ctx, reference_no, ApplicationEvent.RETURN_UNDELIVERED, kept)
    number = await _waybill_in_use(ctx, app["id"])
    await repo.close_waybill(ctx.conn, number, {"returned_at": ctx.now})
    await repo.update_delivery(
        ctx.conn, app["id"], {"returned_at": ctx.now, "tracking_number": None, "sent_at": None}
    )
    await notifications.enqueue(
        ctx.conn,
        person_id=app["person_id"],
        template=CARD_RETURNED.code,
        params={"reference": app["reference"], "tracking_number": number},
        at=ctx.now,
    )
    return await applications.view_by_id(ctx, app["id"])


async def _waybill_in_use(ctx: Ctx, application_id: int) -> str:
    delivery = await repo.delivery_of(ctx.conn, application_id)
    assert delivery is not None
    assert delivery["tracking_number"]
    return str(delivery["tracking_number"])


async def _mailed_step(
    ctx: Ctx, reference_no: str, event: ApplicationEvent, reason: str | None
) -> dict[str, Any]:
    app = await applications.find(ctx, reference_no)
    check_delivery_event(applications.delivery_mode(app), event)
    await applications.apply_event(ctx, app, event, reason)
    return app
