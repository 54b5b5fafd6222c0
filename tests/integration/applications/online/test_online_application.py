"""Applying online (issue 13 items 3-4; SPEC APP-4, APP-1, ID-5, REP-1, ISS-3, ISS-4): a first
card or a replacement after a formal loss, mailed by EMS or collected at an outlet of any
Jiangsu city; the centre mails it with a waybill and records its delivery or return."""

from __future__ import annotations

from datetime import date
from typing import Any

import chinese_calendar
import pytest

from tests.support.api import Api
from tests.support.numbers import citizen_number

APPLY = "/api/v1/me/applications"
OPTIONS = "/api/v1/me/applications/options"
ADDRESS = {
    "province": "江苏省",
    "city": "常州市",
    "district": "天宁区",
    "detail": "延陵西路100号3幢201室",
    "recipient": "收件人",
    "phone": "13800000000",
}
EMS = {"mode": "ems", "address": ADDRESS}
S10 = "EA123456785CN"  # the UPU's own example: check digit 5


def _split(number: str) -> list[str]:
    """An ID number cut in three, as one might type it to slip past a check."""
    return [number[:6], number[6:14], number[14:]]


async def _holder(api: Api, **over: Any) -> tuple[int, str]:
    person = await api.person("clerk_instant", **over)
    return person["person_id"], await api.cardholder(person["person_id"])


async def _produce(api: Api, reference: str) -> None:
    for action in ("start-production", "finish-production"):
        r = await api.step(reference, action)
        assert r.status_code == 200, r.text


async def test_a_first_application_online_is_mailed_and_collected_on_delivery(api: Api) -> None:
    """APP-4: no outlet, made by the centre within 15 working days, mailed by EMS with a
    waybill (the holder told by SMS), collected on delivery with the hr function active
    (ISS-3, ISS-4). A card going by post is never sent to an outlet."""
    person_id, holder = await _holder(api)
    options = (await api.get(OPTIONS, holder)).json()
    assert options["first_application"] is None
    assert options["city_code"] == "3204"
    assert "ICBC" in [b["code"] for b in options["banks"]]
    assert options["working_days"] == 15

    r = await api.post(APPLY, holder, {"bank_code": "ICBC", "delivery": EMS})
    assert r.status_code == 201, r.text
    app = r.json()
    assert (app["channel"], app["making"], app["outlet_code"]) == ("online", "online", None)
    accepted = date.fromisoformat(app["accepted_on"])
    expected = chinese_calendar.find_workday(15, accepted)
    assert app["due_date"] == expected.isoformat()  # APP-4: 15 working days, holidays skipped
    delivery = app["delivery"]
    assert delivery["mode"] == "ems"
    assert delivery["address"].startswith("江苏省常州市天宁区延陵")
    assert "100号3幢201" not in delivery["address"]  # the street masked (ID-6)
    assert delivery["phone"] != ADDRESS["phone"]
    assert delivery["recipient"] != "收件人"

    ref = app["reference"]
    await _produce(api, ref)
    r = await api.step(ref, "deliver-to-outlet")
    assert (r.status_code, r.json()["code"]) == (409, "delivery_mode_mismatch")
    r = await api.post(f"/api/v1/applications/{ref}/mail", "admin", {"tracking_number": S10})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["tracking_number"]) == ("mailed", S10)
    mine = (await api.get("/api/v1/me/record", holder)).json()
    assert "online_card_mailed" in [m["template"] for m in mine["messages"]]
    assert mine["open_application"]["status"] == "mailed"

    r = await api.post(f"/api/v1/applications/{ref}/delivered", "admin")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "collected"
    assert r.json()["delivery"]["delivered_at"] is not None
    card = await api.card_state(r.json()["card"]["card_number"])
    assert card["hr_status"] == "active"
    mine = (await api.get("/api/v1/me/record", holder)).json()
    assert (mine["person_id"], mine["open_application"]) == (person_id, None)
    assert [c["card_number"] for c in mine["cards"]] == [card["card_number"]]


async def test_a_card_ems_brings_back_is_mailed_again_with_a_new_waybill(api: Api) -> None:
    """APP-4: an undeliverable card comes back to the centre (produced, still open work) and
    the holder is told; a waybill is used for one mailing only, the returned one included."""
    _, holder = await _holder(api)
    ref = (await api.post(APPLY, holder, {"bank_code": "ICBC", "delivery": EMS})).json()[
        "reference"
    ]
    await _produce(api, ref)
    mail = f"/api/v1/applications/{ref}/mail"
    assert (await api.post(mail, "admin", {"tracking_number": "1234567890123"})).status_code == 200
    r = await api.post(f"/api/v1/applications/{ref}/returned", "admin", {"reason": "查无此人"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["tracking_number"]) == ("produced", None)
    assert r.json()["delivery"]["returned_at"] is not None
    messages = (await api.get("/api/v1/me/record", holder)).json()["messages"]
    told = [m for m in messages if m["template"] == "online_card_returned"]
    assert len(told) == 1  # the holder learns the card is back, and where to fix the address
    again = await api.post(mail, "admin", {"tracking_number": "1234567890123"})
    assert (again.status_code, again.json()["code"]) == (409, "tracking_number_in_use")
    r = await api.post(mail, "admin", {"tracking_number": S10})
    assert (r.status_code, r.json()["status"]) == (200, "mailed")

    _, other = await _holder(api)
    second = (await api.post(APPLY, other, {"bank_code": "ICBC", "delivery": EMS})).json()
    await _produce(api, second["reference"])
    r = await api.post(
        f"/api/v1/applications/{second['reference']}/mail", "admin", {"tracking_number": S10}
    )
    assert (r.status_code, r.json()["code"]) == (409, "tracking_number_in_use")


@pytest.mark.parametrize("number", ["EA123456784CN", "EA12345678CN", "12345", "ＥＡ１２３"])
async def test_a_waybill_number_that_is_not_one_is_refused(api: Api, number: str) -> None:
    """A mistyped waybill is caught by its form and its S10 check digit; nothing changes."""
    _, holder = await _holder(api)
    ref = (await api.post(APPLY, holder, {"bank_code": "ICBC", "delivery": EMS})).json()[
        "reference"
    ]
    await _produce(api, ref)
    r = await api.post(f"/api/v1/applications/{ref}/mail", "admin", {"tracking_number": number})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "tracking_number_refused",
        "tracking_number",
    )
    assert (await api.get(f"/api/v1/applications/{ref}", "admin")).json()["status"] == "produced"


async def test_collect_at_an_outlet_of_another_city(api: Api) -> None:
    """APP-1 ([002] §8, 收受分离): a Changzhou person collects in Suzhou; the card is still
    Changzhou's (loss, replacement and cancellation stay with the issuing city)."""
    person_id, holder = await _holder(api)
    delivery = {"mode": "outlet", "outlet_code": "3205-HR-001"}
    r = await api.post(APPLY, holder, {"bank_code": "ICBC", "delivery": delivery})
    assert r.status_code == 201, r.text
    app = r.json()
    assert (app["city_code"], app["outlet_code"]) == ("3204", "3205-HR-001")
    ref = app["reference"]
    await _produce(api, ref)
    r = await api.post(f"/api/v1/applications/{ref}/mail", "admin", {"tracking_number": S10})
    assert (r.status_code, r.json()["code"]) == (409, "delivery_mode_mismatch")
    assert (await api.step(ref, "deliver-to-outlet")).status_code == 200
    doc = {"type": "resident_id", "number": api.numbers[person_id]}
    r = await api.post(f"/api/v1/applications/{ref}/collect", "clerk_instant", {"document": doc})
    assert r.status_code == 404  # not the collecting outlet
    r = await api.post(f"/api/v1/applications/{ref}/collect", "clerk_suzhou", {"document": doc})
    assert r.status_code == 200, r.text
    card = r.json()["card"]
    assert (card["city_code"], card["hr_status"]) == ("3204", "active")


async def test_an_online_replacement_after_a_formal_loss(api: Api) -> None:
    """APP-4 [000 Q8], REP-1, LOSS-4: the holder's own formally lost card, replaced online;
    the old card is superseded at once; an active card must be lost first; another's card is
    not found."""
    card = await api.card("clerk_instant", "ICBC")
    holder = await api.cardholder(card["person_id"])
    n = card["card_number"]
    path = f"/api/v1/me/cards/{n}/replacement"
    r = await api.post(path, holder, {"delivery": EMS})
    assert (r.status_code, r.json()["code"]) == (409, "formal_loss_first")
    assert (await api.card_post(n, "formal-loss", holder)).status_code == 200
    options = (await api.get(OPTIONS, holder)).json()
    assert options["replaceable_cards"] == [n]

    other = await api.card("clerk_instant", "BOC")
    stranger = await api.cardholder(other["person_id"])
    r = await api.post(path, stranger, {"delivery": EMS})
    assert r.status_code == 404

    r = await api.post(path, holder, {"delivery": EMS})
    assert r.status_code == 201, r.text
    assert (r.json()["kind"], r.json()["bank_code"], r.json()["channel"]) == (
        "replacement",
        "ICBC",
        "online",
    )
    assert (await api.card_state(n))["hr_status"] == "superseded"


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"category": "foreign", "nationality": "USA"}, "online_not_for_category"),
        ({"birth": date(2015, 1, 1)}, "guardian_at_an_outlet"),
    ],
)
async def test_who_cannot_apply_online_is_sent_elsewhere(
    api: Api, over: dict[str, Any], code: str
) -> None:
    """ID-5: foreigners and HMT residents go to a bank outlet; ID-4: a minor's guardian goes
    to an outlet. The options say so before anything is sent."""
    birth = over.pop("birth", date(1990, 5, 17))
    if over.get("category") == "foreign":
        doc = {"type": "passport", "number": "E12345678"}
        person = await api.person(
            "clerk_nanjing_bank", document=doc, birth_date=birth.isoformat(), **over
        )
    else:
        doc = {"type": "resident_id", "number": citizen_number(birth)}
        person = await api.person("clerk_instant", birth=birth, document=doc, **over)
    holder = await api.cardholder(person["person_id"])
    assert (await api.get(OPTIONS, holder)).json()["first_application"]["code"] == code
    before = await api.count("applications")
    r = await api.post(APPLY, holder, {"bank_code": "ICBC", "delivery": EMS})
    assert (r.status_code, r.json()["code"]) == (422, code)
    assert await api.count("applications") == before


async def test_a_holder_of_a_card_or_without_a_photo_goes_to_an_outlet(api: Api) -> None:
    """APP-4: online is for first applications (others exchange at an outlet), and only where
    the registry holds the photo."""
    card = await api.card("clerk_instant", "ICBC")
    holder = await api.cardholder(card["person_id"])
    r = await api.post(APPLY, holder, {"bank_code": "ICBC", "delivery": EMS})
    assert (r.status_code, r.json()["code"]) == (409, "exchange_at_an_outlet")
    _, no_photo = await _holder(api, photo=False)
    r = await api.post(APPLY, no_photo, {"bank_code": "ICBC", "delivery": EMS})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "photo_at_an_outlet",
        "photo",
    )


@pytest.mark.parametrize(
    ("part", "value"),
    [
        ("province", "火星"),
        ("province", "香港特别行政区"),
        ("city", "C"),
        ("district", "天宁区<script>"),
        ("detail", "号"),
        ("detail", f"身份证{citizen_number(date(1990, 1, 1))}"),
        ("detail", "延陵西路" + ".".join(_split(citizen_number(date(1990, 1, 1))))),
        ("city", "··"),
        ("recipient", citizen_number(date(1990, 1, 1))),
        ("recipient", "138_0000_0000"),
        ("recipient", ""),
        ("phone", "1234"),
        ("phone", "23800000000"),
    ],
)
async def test_a_bad_postal_address_is_refused_by_its_part(api: Api, part: str, value: str) -> None:
    """APP-4: the address is validated part by part, named in the refusal; nothing stored."""
    _, holder = await _holder(api)
    before = await api.count("applications")
    delivery = {"mode": "ems", "address": {**ADDRESS, part: value}}
    r = await api.post(APPLY, holder, {"bank_code": "ICBC", "delivery": delivery})
    assert r.status_code == 422, r.text
    assert r.json()["field"] in (f"delivery.address.{part}", f"body.delivery.address.{part}")
    assert r.json()["detail_zh"]
    assert r.json()["detail_en"]
    assert await api.count("applications") == before


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"bank_code": "NOPE", "delivery": EMS}, "bank_not_cooperating", "bank_code"),
        ({"bank_code": "ICBC", "delivery": {"mode": "ems"}}, "delivery_incomplete", None),
        ({"bank_code": "ICBC", "delivery": {"mode": "outlet"}}, "delivery_incomplete", None),
        (
            {"bank_code": "ICBC", "delivery": {"mode": "outlet", "outlet_code": "9999-X"}},
            "collection_outlet_refused",
            "delivery.outlet_code",
        ),
    ],
)
async def test_a_bank_or_delivery_that_does_not_fit_is_refused(
    api: Api, body: dict[str, Any], code: str, field: str | None
) -> None:
    """APP-6: the city's cooperating banks only; a delivery names its address or outlet."""
    _, holder = await _holder(api)
    before = await api.count("applications")
    r = await api.post(APPLY, holder, body)
    assert (r.status_code, r.json()["code"]) == (422, code), r.text
    if field:
        assert r.json()["field"] == field
    assert await api.count("applications") == before


async def test_only_the_cardholder_applies_online_and_only_the_centre_mails(api: Api) -> None:
    """CH-1: the online operations are the cardholder's; mailing is the card centre's."""
    _, holder = await _holder(api)
    ref = (await api.post(APPLY, holder, {"bank_code": "ICBC", "delivery": EMS})).json()[
        "reference"
    ]
    for role in ("clerk_instant", "hotline", "admin", "bank_icbc"):
        r = await api.post(APPLY, role, {"bank_code": "ICBC", "delivery": EMS})
        assert (r.status_code, r.json()["code"]) == (403, "forbidden"), role
    await _produce(api, ref)
    for role in ("clerk_instant", "hotline", "bank_icbc", holder):
        r = await api.post(f"/api/v1/applications/{ref}/mail", role, {"tracking_number": S10})
        assert r.status_code in (403, 404), role
    r = await api.post(f"/api/v1/applications/{ref}/mail", "admin_suzhou", {"tracking_number": S10})
    assert r.status_code == 404  # another city's centre does not see Changzhou's application


@pytest.mark.parametrize(
    ("delivery", "field"),
    [
        ({**EMS, "outlet_code": "3204-HR-001"}, "delivery.outlet_code"),
        ({"mode": "outlet", "outlet_code": "3204-HR-001", "address": ADDRESS}, "delivery.address"),
    ],
)
async def test_a_delivery_that_contradicts_itself_is_refused(
    api: Api, delivery: dict[str, Any], field: str
) -> None:
    """A card goes one way: an address with an outlet is refused by name, not guessed at."""
    _, holder = await _holder(api)
    r = await api.post(APPLY, holder, {"bank_code": "ICBC", "delivery": delivery})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "delivery_incomplete",
        field,
    )
    assert await api.count("applications") == 0


async def test_a_phone_typed_with_hyphens_is_taken(api: Api) -> None:
    _, holder = await _holder(api)
    delivery = {"mode": "ems", "address": {**ADDRESS, "phone": "138-0000-0000"}}
    r = await api.post(APPLY, holder, {"bank_code": "ICBC", "delivery": delivery})
    assert r.status_code == 201, r.text


async def test_a_reason_kept_in_the_history_holds_no_personal_number(api: Api) -> None:
    """SPEC ID-6: the return's reason and any step's reason are shown to whoever reads the
    history, so an ID or phone number in them (however split) is refused by the field."""
    _, holder = await _holder(api)
    ref = (await api.post(APPLY, holder, {"bank_code": "ICBC", "delivery": EMS})).json()[
        "reference"
    ]
    number = citizen_number(date(1956, 9, 8))
    r = await api.post(f"/api/v1/applications/{ref}/start-production", "admin",
                       {"reason": "联系 138.0000.0000"})  # fmt: skip
    assert (r.status_code, r.json()["field"]) == (422, "reason"), r.text
    assert r.json()["errors"][0]["reason_zh"] == "不能含证件号码或电话号码"
    await _produce(api, ref)
    assert (await api.post(f"/api/v1/applications/{ref}/mail", "admin",
                           {"tracking_number": S10})).status_code == 200  # fmt: skip
    r = await api.post(
        f"/api/v1/applications/{ref}/returned", "admin", {"reason": f"收件人身份证{number}拒收"}
    )
    assert (r.status_code, r.json()["field"]) == (422, "reason"), r.text
    assert (await api.get(f"/api/v1/applications/{ref}", "admin")).json()["status"] == "mailed"
