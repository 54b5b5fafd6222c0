"""Culture and tourism with the card (issue 14 item 10; SPEC CUL-1, LOSS-5, ECARD-3): a ticket
sold to a card admits the card or an ecard entry code at the gate once, on its day; a lost card
is refused at the gate; a library takes the card as its reader's card and lends through it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from sscard.kernel.clock import ManualClock
from tests.integration.ecards.test_ecard_qr import holder_with_card, shown
from tests.integration.scenes.support import SceneTerminal, scene
from tests.support.api import Api

BASE = "/api/v1/scene-uses"


async def ok(terminal: SceneTerminal, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await terminal.post(f"{BASE}/{path}", body)
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


async def sell(terminal: SceneTerminal, card: str, ref: str, day: str) -> dict[str, Any]:
    body = {"card_number": card, "ticket_ref": ref, "valid_on": day, "price_fen": 12000}
    return await ok(terminal, "tickets", body)


async def test_a_ticket_admits_its_card_once_on_its_day(api: Api, clock: ManualClock) -> None:
    card, holder = await holder_with_card(api)
    number = card["card_number"]
    office = await scene(api, "scenic_spot", "SS3204000001", terminal="office")
    gate = await scene(api, "scenic_spot", "SS3204000001", terminal="gate-1")
    today = clock.now().date()
    tomorrow = str(today + timedelta(days=1))
    refused = await ok(gate, "entry", {"card_number": number})
    assert (refused["allowed"], refused["code"], refused["rule"]) == (False, "no_ticket", "CUL-1")
    sold = await sell(office, number, "T-1", tomorrow)
    assert (sold["allowed"], sold["duplicate"]) == (True, False)
    again = await sell(office, number, "T-1", tomorrow)
    assert again["duplicate"] is True
    not_yet = await ok(gate, "entry", {"card_number": number})
    assert not_yet["code"] == "ticket_not_today"
    clock.advance(timedelta(days=1))
    entry = await shown(api, holder, "entry")  # ECARD-3: the ecard's entry code at the gate
    admitted = await ok(gate, "entry", {"qr": entry})
    assert (admitted["allowed"], admitted["ticket_ref"]) == (True, "T-1")
    assert "*" in admitted["holder"]["social_security_number"]  # masked: entry needs no name
    twice = await ok(gate, "entry", {"card_number": number})
    assert (twice["allowed"], twice["code"]) == (False, "ticket_used")


async def test_a_lost_card_is_refused_at_the_gate_and_the_library(
    api: Api, clock: ManualClock
) -> None:
    """LOSS-5: every scene refuses a lost card, whatever it holds."""
    card = await api.card()
    number = card["card_number"]
    gate = await scene(api, "museum", "MU3204000002")
    library = await scene(api, "library", "LB3204000001")
    await sell(gate, number, "T-1", str(clock.now().date()))
    await ok(library, "library/readers", {"card_number": number})
    r = await api.card_post(number, "temporary-loss", "hotline")
    assert r.status_code == 200, r.text
    for terminal, path, body in (
        (gate, "entry", {"card_number": number}),
        (gate, "tickets", {"card_number": number, "ticket_ref": "T-2",
                           "valid_on": str(clock.now().date()), "price_fen": 0}),
        (library, "library/loans", {"card_number": number, "item_code": "B-1"}),
    ):  # fmt: skip
        answer = await ok(terminal, path, body)
        assert (answer["allowed"], answer["code"], answer["rule"]) == (False, "card_lost", "LOSS-5")


async def test_a_ticket_number_is_one_ticket(api: Api, clock: ManualClock) -> None:
    first, second = await api.card(), await api.card()
    office = await scene(api, "scenic_spot", "SS3204000003")
    today = str(clock.now().date())
    await sell(office, first["card_number"], "T-1", today)
    r = await office.post(f"{BASE}/tickets", {"card_number": second["card_number"],
                          "ticket_ref": "T-1", "valid_on": today, "price_fen": 12000})  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (409, "ticket_ref_reused")
    past = {"card_number": second["card_number"], "ticket_ref": "T-2", "valid_on": "2020-01-01",
            "price_fen": 1}  # fmt: skip
    r = await office.post(f"{BASE}/tickets", past)
    assert (r.status_code, r.json()["field"]) == (422, "valid_on")
    assert await api.count("scene_tickets") == 1


async def test_a_library_lends_to_its_readers_cards(api: Api, clock: ManualClock) -> None:
    card = await api.card()
    number = card["card_number"]
    library = await scene(api, "library", "LB3204000002")
    not_reader = await ok(library, "library/loans", {"card_number": number, "item_code": "B-1"})
    assert (not_reader["allowed"], not_reader["code"]) == (False, "not_a_reader")
    reader = await ok(library, "library/readers", {"card_number": number})
    assert (reader["allowed"], reader["already_reader"]) == (True, False)
    assert (await ok(library, "library/readers", {"card_number": number}))["already_reader"]
    lent = await ok(library, "library/loans", {"card_number": number, "item_code": "B-1"})
    assert lent["allowed"] is True
    twice = await ok(library, "library/loans", {"card_number": number, "item_code": "B-1"})
    assert (twice["allowed"], twice["code"]) == (False, "item_on_loan")
    entered = await ok(library, "entry", {"card_number": number})  # no ticket at a library
    assert entered["allowed"] is True
    clock.advance(timedelta(days=33))
    back = await ok(library, "library/returns", {"item_code": "B-1"})
    assert back == {"item_code": "B-1", "returned": True, "days_late": 3}
    r = await library.post(f"{BASE}/library/returns", {"item_code": "B-1"})
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("kind", ["hotel", "hospital", "government_hall"])
async def test_only_cultural_scenes_sell_tickets_and_lend(api: Api, kind: str) -> None:
    card = await api.card()
    terminal = await scene(api, kind, "XX3204000001")
    sold = await ok(terminal, "tickets", {"card_number": card["card_number"], "ticket_ref": "T",
                                          "valid_on": "2026-11-23", "price_fen": 0})  # fmt: skip
    assert (sold["allowed"], sold["code"]) == (False, "use_not_offered")
    lent = await ok(terminal, "library/loans", {"card_number": card["card_number"],
                                                "item_code": "B"})  # fmt: skip
    assert (lent["allowed"], lent["code"]) == (False, "use_not_offered")


async def test_a_repeated_sale_counts_once_and_codes_ignore_case(
    api: Api, clock: ManualClock
) -> None:
    card = await api.card()
    number = card["card_number"]
    office = await scene(api, "scenic_spot", "SS3204000004")
    today = str(clock.now().date())
    await sell(office, number, "T-1", today)
    assert (await sell(office, number, "T-1", today))["duplicate"] is True
    r = await office.post(f"{BASE}/tickets", {"card_number": number, "ticket_ref": "T-1",
                                               "valid_on": today, "price_fen": 1})  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (409, "ticket_ref_reused")
    r = await api.get("/api/v1/scenes/SS3204000004/uses", "admin", params={"since": "2026-11-23"})
    assert [c["uses"] for c in r.json()["counts"]] == [1]
    library = await scene(api, "library", "LB3204000004")
    await ok(library, "library/readers", {"card_number": number})
    assert (await ok(library, "library/loans", {"card_number": number, "item_code": "bk-1"}))[
        "allowed"
    ]
    twice = await ok(library, "library/loans", {"card_number": number, "item_code": "BK-1"})
    assert twice["code"] == "item_on_loan"
    assert (await ok(library, "library/returns", {"item_code": "Bk-1"}))["returned"] is True
