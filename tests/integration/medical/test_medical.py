"""Medical use of the card (issue 14 item 9; SPEC MED-1, MED-2, ISS-5, LOSS-5, PWD-3): the
fund credits the personal account, a designated institution settles visits from it up to its
balance (never below zero, never paid out), outside the insured city only under a filing in
force, and the balance follows the person's newest card exactly once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from sscard.cards.events import CardCollected
from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import ManualClock
from sscard.kernel.events import BUS
from sscard.medical import subscribers
from tests.integration.applications.renewal.helpers import collect
from tests.integration.applications.renewal.test_upgrade import _person, _upgrade
from tests.integration.scenes.support import SceneTerminal, scene
from tests.support.api import Api

SETTLE = "/api/v1/scene-uses/medical"
PIN = "583920"


async def fund(api: Api) -> str:
    r = await api.post("/api/v1/actors", "admin", {"role": "medical_fund", "display_name": "医保"})
    assert r.status_code == 201, r.text
    api.tokens["fund"] = r.json()["token"]
    return "fund"


async def credit(api: Api, number: str, fen: int, ref: str) -> dict[str, Any]:
    body = {"credits": [{"social_security_number": number, "amount_fen": fen, "reference": ref}]}
    r = await api.post("/api/v1/medical-credits", "fund", body)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()["results"][0]
    return result


async def balance(api: Api, person_id: int) -> int:
    r = await api.get(f"/api/v1/persons/{person_id}/medical", "admin")
    assert r.status_code == 200, r.text
    return int(r.json()["balance_fen"])


async def set_pin(api: Api, card: dict[str, Any]) -> None:
    await api.present_holder(card["card_number"], "clerk_instant")
    body = {"new_password": PIN, "document": card["document"]}
    path = f"/api/v1/cards/{card['card_number']}/hr-password"
    r = await api.call("PUT", path, "clerk_instant", body)
    assert r.status_code == 200, r.text


async def settle(
    terminal: SceneTerminal, ref: str, total: int, fund_fen: int, **presented: Any
) -> dict[str, Any]:
    body = {"settlement_ref": ref, "total_fen": total, "fund_fen": fund_fen, **presented}
    r = await terminal.post(SETTLE, body)
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


@pytest.fixture
async def insured(api: Api) -> dict[str, Any]:
    """A Changzhou holder with an hr password and 50 yuan in the personal account."""
    await fund(api)
    card = await api.card()
    await set_pin(api, card)
    assert (await credit(api, card["document"]["number"], 5000, "M-1"))["outcome"] == "credited"
    return card


async def test_the_fund_credits_each_reference_once(api: Api, insured: dict[str, Any]) -> None:
    number = insured["document"]["number"]
    again = await credit(api, number, 5000, "M-1")
    assert again["outcome"] == "duplicate"
    assert await balance(api, insured["person_id"]) == 5000
    unknown = await credit(api, "110101199003070011", 100, "M-2")
    assert (unknown["outcome"], unknown["code"]) == ("refused", "not_found")
    body = {"credits": [{"social_security_number": number, "amount_fen": 0, "reference": "X"}]}
    r = await api.post("/api/v1/medical-credits", "fund", body)
    assert (r.status_code, r.json()["field"]) == (422, "credits.0.amount_fen")
    body["credits"][0]["amount_fen"] = 100
    r = await api.post("/api/v1/medical-credits", "bank_icbc", body)
    assert r.status_code == 403  # MED-2: nobody else moves the balance


async def test_a_settlement_pays_from_the_account_up_to_its_balance_then_cash(
    api: Api, insured: dict[str, Any]
) -> None:
    """MED-2: 100 yuan, the fund 70: the holder's 30 from the account (20 left after a first
    visit), the rest in cash; the balance never goes below zero."""
    hospital = await scene(api, "hospital", "H32040000001")
    first = await settle(hospital, "S1", 4000, 1000, card_number=insured["card_number"],
                         hr_password=PIN)  # fmt: skip
    assert first["allowed"] is True, first
    assert (first["account_fen"], first["cash_fen"], first["balance_after_fen"]) == (3000, 0, 2000)
    assert first["holder"]["name"] == "测试人"
    second = await settle(hospital, "S2", 10000, 7000, card_number=insured["card_number"],
                          hr_password=PIN)  # fmt: skip
    assert (second["account_fen"], second["cash_fen"], second["balance_after_fen"]) == (
        2000,
        1000,
        0,
    )
    third = await settle(hospital, "S3", 500, 0, card_number=insured["card_number"])
    assert (third["allowed"], third["account_fen"], third["cash_fen"]) == (True, 0, 500)
    record = (await api.get(f"/api/v1/persons/{insured['person_id']}/medical", "admin")).json()
    assert [(e["kind"], e["amount_fen"], e["balance_after_fen"]) for e in record["entries"]] == [
        ("settlement", -2000, 0),
        ("settlement", -3000, 2000),
        ("credit", 5000, 5000),
    ]


async def test_paying_from_the_account_by_card_needs_the_hr_password(
    api: Api, insured: dict[str, Any]
) -> None:
    pharmacy = await scene(api, "pharmacy", "P32040000001")
    card = insured["card_number"]
    none = await settle(pharmacy, "S1", 1000, 0, card_number=card)
    assert (none["allowed"], none["code"]) == (False, "hr_password_needed")
    wrong = await settle(pharmacy, "S2", 1000, 0, card_number=card, hr_password="729461")
    assert (wrong["allowed"], wrong["code"], wrong["rule"]) == (False, "hr_password_wrong", "PWD-3")
    assert await balance(api, insured["person_id"]) == 5000
    state = (await api.get(f"/api/v1/cards/{card}/hr-password", "admin")).json()
    assert state["failed_attempts"] == 1  # the wrong try stays counted


async def test_a_settlement_number_is_one_settlement(api: Api, insured: dict[str, Any]) -> None:
    hospital = await scene(api, "hospital", "H32040000002")
    card = insured["card_number"]
    first = await settle(hospital, "S1", 1000, 0, card_number=card, hr_password=PIN)
    again = await settle(hospital, "S1", 1000, 0, card_number=card, hr_password=PIN)
    assert (again["duplicate"], again["account_fen"]) == (True, first["account_fen"])
    assert await balance(api, insured["person_id"]) == 4000
    r = await hospital.post(SETTLE, {"settlement_ref": "S1", "total_fen": 2000, "fund_fen": 0,
                                     "card_number": card, "hr_password": PIN})  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (409, "settlement_ref_reused")
    r = await hospital.post(SETTLE, {"settlement_ref": "S9", "total_fen": 100, "fund_fen": 200,
                                     "card_number": card})  # fmt: skip
    assert (r.status_code, r.json()["field"]) == (422, "fund_fen")
    assert await balance(api, insured["person_id"]) == 4000


async def test_a_refund_pays_the_account_back_once(api: Api, insured: dict[str, Any]) -> None:
    hospital = await scene(api, "hospital", "H32040000003")
    await settle(hospital, "S1", 3000, 1000, card_number=insured["card_number"], hr_password=PIN)
    assert await balance(api, insured["person_id"]) == 3000
    for duplicate in (False, True):
        r = await hospital.post(f"{SETTLE}/refunds", {"settlement_ref": "S1"})
        assert r.status_code == 200, r.text
        assert (r.json()["duplicate"], r.json()["refunded"]) == (duplicate, True)
    assert await balance(api, insured["person_id"]) == 5000
    r = await hospital.post(f"{SETTLE}/refunds", {"settlement_ref": "NOPE"})
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


async def test_outside_the_insured_city_only_with_a_filing_in_force(
    api: Api, insured: dict[str, Any], clock: ManualClock
) -> None:
    """MED-1: a Changzhou card at a Suzhou hospital: refused with no filing, paid under one,
    refused again once it has run out."""
    suzhou = await scene(api, "hospital", "H32050000001", city="3205")
    card = insured["card_number"]
    missing = await settle(suzhou, "S1", 1000, 500, card_number=card, hr_password=PIN)
    assert (missing["allowed"], missing["code"], missing["rule"]) == (
        False,
        "filing_missing",
        "MED-1",
    )
    holder = await api.cardholder(insured["person_id"])
    today = clock.now().date()
    filing = {"destination_code": "3205", "reason": "temporary",
              "valid_from": str(today), "valid_until": str(today + timedelta(days=30))}  # fmt: skip
    r = await api.post("/api/v1/me/medical/filings", holder, filing)
    assert r.status_code == 201, r.text
    assert r.json()["filings"][0]["in_force"] is True
    paid = await settle(suzhou, "S2", 1000, 500, card_number=card, hr_password=PIN)
    assert paid["allowed"] is True, paid
    clock.advance(timedelta(days=31))
    expired = await settle(suzhou, "S3", 1000, 500, card_number=card, hr_password=PIN)
    assert (expired["allowed"], expired["code"]) == (False, "filing_not_in_force")


@pytest.mark.parametrize(
    ("filing", "field"),
    [
        ({"destination_code": "3204"}, "destination_code"),  # home is no filing
        ({"destination_code": "99"}, "destination_code"),
        ({"destination_code": "3299"}, "destination_code"),
        ({"valid_until": None}, "valid_until"),  # a temporary filing ends
        ({"valid_until": "2027-12-31"}, "valid_until"),  # beyond 180 days
        ({"valid_from": "2020-01-01"}, "valid_from"),
    ],
)
async def test_a_filing_the_rules_refuse_changes_nothing(
    api: Api, filing: dict[str, Any], field: str
) -> None:
    card = await api.card()
    holder = await api.cardholder(card["person_id"])
    body = {"destination_code": "31", "reason": "temporary", "valid_from": "2026-11-23",
            "valid_until": "2026-12-20"} | filing  # fmt: skip
    r = await api.post("/api/v1/me/medical/filings", holder, body)
    assert (r.status_code, r.json()["field"]) == (422, field), r.text
    assert await api.count("medical_filings") == 0


async def test_a_lost_card_is_refused_and_only_designated_institutions_settle(
    api: Api, insured: dict[str, Any]
) -> None:
    """LOSS-5 at the hospital; MED-2: a hotel cannot take money from the account."""
    hotel = await scene(api, "hotel", "HT3204000005")
    refused = await settle(hotel, "S1", 1000, 0, card_number=insured["card_number"],
                           hr_password=PIN)  # fmt: skip
    assert (refused["allowed"], refused["code"]) == (False, "use_not_offered")
    hospital = await scene(api, "hospital", "H32040000004")
    r = await api.card_post(insured["card_number"], "temporary-loss", "hotline")
    assert r.status_code == 200, r.text
    lost = await settle(hospital, "S1", 1000, 0, card_number=insured["card_number"],
                        hr_password=PIN)  # fmt: skip
    assert (lost["allowed"], lost["code"], lost["rule"]) == (False, "card_lost", "LOSS-5")
    assert await balance(api, insured["person_id"]) == 5000


async def test_many_terminals_at_once_never_take_the_balance_below_zero(
    api: Api, insured: dict[str, Any]
) -> None:
    """MED-2: eight visits of 20 yuan each at once against 50 yuan: the account pays 50 in
    all, the rest is cash, and the ledger adds up."""
    hospital = await scene(api, "hospital", "H32040000005")
    answers = await asyncio.gather(*[
        settle(hospital, f"C{i}", 2000, 0, card_number=insured["card_number"], hr_password=PIN)
        for i in range(8)
    ])  # fmt: skip
    assert sum(a["account_fen"] for a in answers) == 5000
    assert sum(a["cash_fen"] for a in answers) == 8 * 2000 - 5000
    assert await balance(api, insured["person_id"]) == 0


async def test_the_balance_moves_to_the_new_card_once(api: Api, clock: ManualClock) -> None:
    """ISS-5: an older card's balance moves to the upgraded card at its activation, and a
    second delivery of the same activation moves nothing more."""
    await fund(api)
    person_id, doc = await _person(api)
    r = await _upgrade(api, person_id)
    assert r.status_code == 201, r.text
    assert (await credit(api, doc["number"], 1234, "OLD-1"))["outcome"] == "credited"
    await collect(api, r.json()["reference"], doc)
    record = (await api.get(f"/api/v1/persons/{person_id}/medical", "admin")).json()
    assert record["balance_fen"] == 1234
    assert [e["kind"] for e in record["entries"]][:2] == ["moved_in", "moved_out"]
    async with api.rt.unit(OPERATOR) as ctx:
        card_id = await _card_of(ctx, person_id)
        event = await _collected(ctx, card_id)
        await subscribers.on_card_collected(ctx, [event])
        await subscribers.on_card_collected(ctx, [event])
    assert await balance(api, person_id) == 1234
    assert await api.count("medical_ledger") == 3  # credit, moved_out, moved_in


async def test_a_replacement_carries_the_balance_to_the_new_card(
    api: Api, insured: dict[str, Any]
) -> None:
    """REP-3: after a formal loss and replacement, the balance is on the new card."""
    number = insured["card_number"]
    assert (await api.card_post(number, "formal-loss", "clerk_changzhou_icbc")).status_code == 200
    r = await api.card_post(number, "replacement", "clerk_instant", {})
    assert r.status_code in (200, 201), r.text
    reference = r.json()["reference"]
    await collect(api, reference, insured["document"])
    record = (await api.get(f"/api/v1/persons/{insured['person_id']}/medical", "admin")).json()
    assert record["balance_fen"] == 5000
    assert record["card_number_masked"] != insured["card_number"]


async def _card_of(ctx: Any, person_id: int) -> int:
    from sscard.cards import service as cards

    card = await cards.newest_live_of(ctx, person_id)
    assert card is not None
    return card.id


async def _collected(ctx: Any, card_id: int) -> CardCollected:
    from sscard.cards import service as cards

    card = await cards.behind(ctx, card_id)
    assert BUS.wired
    return CardCollected(
        card=card.ref, transition=None, from_state=None, to_state=None, reason=None,  # type: ignore[arg-type]
        before=card.ref,
    )  # fmt: skip


async def test_the_holder_and_12333_read_the_account(api: Api, insured: dict[str, Any]) -> None:
    holder = await api.cardholder(insured["person_id"])
    r = await api.get("/api/v1/me/medical", holder)
    assert r.status_code == 200, r.text
    assert r.json()["balance_fen"] == 5000
    assert "*" in r.json()["card_number_masked"]
    path = f"/api/v1/persons/{insured['person_id']}/medical"
    r = await api.get(path, "hotline")
    assert r.status_code == 404  # 12333 reads it once the caller gave their number (issue 11)
    await api.present(insured["person_id"], "hotline")
    r = await api.get(path, "hotline")
    assert (r.status_code, r.json()["balance_fen"]) == (200, 5000)


async def test_a_request_repeated_with_other_data_is_refused_not_taken_as_the_first(
    api: Api, insured: dict[str, Any]
) -> None:
    """A settlement number or a fund reference given again with another card or amount is
    refused (and says nothing of the first holder); an id beyond the database is refused."""
    other = await api.card()
    hospital = await scene(api, "hospital", "H32040000006")
    await settle(hospital, "S1", 1000, 0, card_number=insured["card_number"], hr_password=PIN)
    r = await hospital.post(SETTLE, {"settlement_ref": "S1", "total_fen": 1000, "fund_fen": 0,
                                     "card_number": other["card_number"]})  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (409, "settlement_ref_reused")
    assert insured["card_number"][-2:] not in r.text
    again = await credit(api, insured["document"]["number"], 999, "M-1")
    assert (again["outcome"], again["code"]) == ("refused", "reference_reused")
    assert await balance(api, insured["person_id"]) == 4000
    r = await api.post("/api/v1/medical-filings", "clerk_instant",
                       {"person_id": 2**63, "destination_code": "3205", "reason": "residence",
                        "valid_from": "2026-11-24"})  # fmt: skip
    assert (r.status_code, r.json()["field"]) == (422, "person_id")
