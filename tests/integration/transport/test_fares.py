"""Fares debited by transit readers (issue 15 item 3; SPEC TRN-1, TRN-3, LOSS-6): each city's
rate for its local cards and for others, a debit counted once by the card's counter and the
reader's sequence, a counter gap reported, never below zero with 32 readers at once."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.integration.scenes.support import SceneTerminal, scene
from tests.integration.transport.test_purse import authorise, confirm, loaded, purse
from tests.support.api import Api

FARES = "/api/v1/scene-uses/fares"


async def topped_up(api: Api, fen: int) -> str:
    n = await loaded(api)
    assert (await authorise(api, n, fen, f"T-{n}")).status_code == 201
    assert (await confirm(api, f"T-{n}", 1)).status_code == 200
    return n


async def ride(
    reader: SceneTerminal, n: str, fare: int, counter: int, seq: int, mode: str = "bus"
) -> dict[str, Any]:
    body = {"card_number": n, "mode": mode, "fare_fen": fare, "counter": counter,
            "terminal_seq": seq}  # fmt: skip
    r = await reader.post(FARES, body)
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


async def test_each_city_charges_its_own_rate(api: Api) -> None:
    """SPEC TRN-3: a Changzhou card pays 60 % on Changzhou's buses and 95 % on its metro; the
    same card pays Suzhou's fare for other cards in Suzhou, where local cards pay less."""
    n = await topped_up(api, 10000)
    changzhou = await scene(api, "transit", "BUS3204000001", city="3204")
    suzhou = await scene(api, "transit", "BUS3205000001", city="3205")
    bus = await ride(changzhou, n, 200, 2, 1)
    assert (bus["allowed"], bus["percent"], bus["charged_fen"]) == (True, 60, 120)
    metro = await ride(changzhou, n, 300, 3, 2, "metro")
    assert (metro["percent"], metro["charged_fen"], metro["balance_after_fen"]) == (95, 285, 9595)
    away = await ride(suzhou, n, 200, 4, 1)
    assert (away["percent"], away["charged_fen"]) == (100, 200)
    assert (await purse(api, n))["balance_fen"] == 9395


async def test_a_debit_counts_once_and_a_gap_is_reported(api: Api) -> None:
    """SPEC TRN-3: the same debit sent again charges nothing more; the reader's sequence with
    another counter, a counter written before or older than the last are refused; a jump in
    the counter is taken and reported."""
    n = await topped_up(api, 1000)
    reader = await scene(api, "transit", "BUS3204000002", city="3204")
    other = await scene(api, "transit", "BUS3204000002", city="3204", terminal="T2")
    first = await ride(reader, n, 100, 2, 7)
    again = await ride(reader, n, 100, 2, 7)
    assert (again["sent_again"], again["balance_after_fen"]) == (True, first["balance_after_fen"])
    reused = await ride(reader, n, 100, 3, 7)
    assert (reused["allowed"], reused["code"]) == (False, "terminal_seq_reused")
    taken = await ride(other, n, 100, 2, 1)  # the counter of the last write: used, not older
    assert (taken["allowed"], taken["code"]) == (False, "counter_behind")
    assert "already used" in taken["reason_en"]
    assert "older" not in taken["reason_en"]
    jump = await ride(other, n, 100, 6, 2)
    assert (jump["allowed"], jump["counter_gap"]) == (True, 3)
    older = await ride(other, n, 100, 5, 3)
    assert (older["allowed"], older["code"]) == (False, "counter_behind")
    assert "older" in older["reason_en"]
    assert (await purse(api, n))["balance_fen"] == 1000 - 60 - 60


async def test_what_a_reader_cannot_debit_is_refused_and_changes_nothing(api: Api) -> None:
    """SPEC TRN-1, TRN-4: too little in the purse, no purse, a closed purse, and a scene that is
    no transit operator: refusals in the reader's language; a lost card's purse still pays
    (LOSS-6: it is anonymous)."""
    n = await topped_up(api, 100)
    reader = await scene(api, "transit", "BUS3204000003", city="3204", language="en")
    low = await ride(reader, n, 1000, 2, 1)
    assert (low["allowed"], low["code"], low["reason"]) == (
        False, "balance_too_low", "the transport purse holds too little: top up first",
    )  # fmt: skip
    bare = (await api.card())["card_number"]
    assert (await ride(reader, bare, 100, 1, 2))["code"] == "purse_not_loaded"
    r = await api.card_post(n, "temporary-loss", "hotline", {"reason": "丢失"})
    assert r.status_code == 200, r.text
    assert (await ride(reader, n, 100, 2, 3))["charged_fen"] == 60
    hotel = await scene(api, "hotel", "HT3204000003", city="3204")
    refused = await ride(hotel, n, 100, 3, 1)
    assert (refused["allowed"], refused["code"]) == (False, "use_not_offered")
    r = await api.post(f"/api/v1/transport/purses/{n}/refund", "clerk_transport")
    assert r.status_code == 200, r.text
    assert (await ride(reader, n, 100, 3, 4))["code"] == "purse_closed"
    assert await api.count("transport_ledger") == 3  # the top-up, the fare, the refund


async def test_thirty_two_readers_at_once_never_take_the_purse_below_zero(api: Api) -> None:
    """SPEC TRN-3: 32 readers debit one card at once, each with its own counter; the purse
    pays no more fares than it holds, each once, and never goes below zero."""
    n = await topped_up(api, 600)  # ten bus fares of 60 fen in Changzhou
    readers = [
        await scene(api, "transit", "BUS3204000004", city="3204", terminal=f"R{i}")
        for i in range(32)
    ]
    answers = await asyncio.gather(
        *(ride(r, n, 100, 2 + i, 1) for i, r in enumerate(readers)), return_exceptions=True
    )
    allowed = [a for a in answers if isinstance(a, dict) and a["allowed"]]
    # Which readers win depends on the order the database serialises them in (a counter
    # behind one already written is refused): never more than the purse holds, nothing twice.
    assert 1 <= len(allowed) <= 10
    assert (await purse(api, n))["balance_fen"] == 600 - 60 * len(allowed)
    assert await api.count("transport_ledger") == 1 + len(allowed)


async def test_one_reader_sequence_sent_at_once_for_several_cards_is_one_debit(api: Api) -> None:
    """SPEC TRN-3: a reader's sequence goes with one debit. Sent at once for eight cards, one
    card pays; each other is refused (terminal_seq_reused, or 409 counter_taken when it wrote
    at the very moment the winner did) and pays nothing."""
    cards = [await topped_up(api, 1000) for _ in range(8)]
    reader = await scene(api, "transit", "BUS3204000006", city="3204")
    body = {"mode": "bus", "fare_fen": 100, "counter": 2, "terminal_seq": 77}
    answers = await asyncio.gather(*(reader.post(FARES, {**body, "card_number": n})
                                     for n in cards))  # fmt: skip
    outcomes = [
        "allowed" if r.status_code == 200 and r.json()["allowed"] else r.json()["code"]
        for r in answers
    ]
    assert outcomes.count("allowed") == 1, outcomes
    assert set(outcomes) - {"allowed"} <= {"terminal_seq_reused", "counter_taken"}, outcomes
    assert [(await purse(api, n))["balance_fen"] for n in cards].count(940) == 1
    assert await api.count("transport_ledger") == 8 + 1


async def test_a_reader_sequence_sent_again_with_another_fare_is_another_debit(api: Api) -> None:
    """SPEC TRN-3: the same reader sequence and counter with another fare is not the same
    debit: refused, nothing charged; a fare of nothing is no debit at all (422)."""
    n = await topped_up(api, 1000)
    reader = await scene(api, "transit", "BUS3204000005", city="3204")
    assert (await ride(reader, n, 100, 2, 9))["charged_fen"] == 60
    other = await ride(reader, n, 999, 2, 9)
    assert (other["allowed"], other["code"]) == (False, "terminal_seq_reused")
    r = await reader.post(FARES, {"card_number": n, "mode": "bus", "fare_fen": 0, "counter": 3,
                                  "terminal_seq": 10})  # fmt: skip
    assert (r.status_code, r.json()["field"]) == (422, "fare_fen")
    assert (await purse(api, n))["balance_fen"] == 940


async def test_jintan_and_liyang_buses_charge_their_own_rate(api: Api) -> None:
    """SPEC TRN-3, CITY-3: the buses of Changzhou's Jintan and Liyang areas charge 80 %, the
    rest of Changzhou 60 %; an area outside the scene's city is refused by name."""
    n = await topped_up(api, 10000)
    jintan = await scene(api, "transit", "BUS3204130001", city="3204", area="320413")
    liyang = await scene(api, "transit", "BUS3204810001", city="3204", area="320481")
    wujin = await scene(api, "transit", "BUS3204120001", city="3204", area="320412")
    assert (await ride(jintan, n, 200, 2, 1))["percent"] == 80
    assert (await ride(liyang, n, 200, 3, 1))["charged_fen"] == 160
    assert (await ride(wujin, n, 200, 4, 1))["percent"] == 60
    body = {"code": "BUS3205990001", "name": "错区", "kind": "transit", "city_code": "3205",
            "area_code": "320413"}  # fmt: skip
    r = await api.post("/api/v1/scenes", "admin", body)
    assert (r.status_code, r.json()["field"]) == (422, "area_code")
