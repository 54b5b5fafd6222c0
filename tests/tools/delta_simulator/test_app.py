"""The simulated delta nodes keep the standard: they answer only questions signed with the
pair's key, sign their answers, refuse an unsigned status change and take each message once
(SPEC YRD-3)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx

from delta_simulator import signing
from delta_simulator.app import Province, Simulator, create_app
from delta_simulator.cards import Status, generate

KEY = bytes(range(32))


def _sim() -> Simulator:
    return Simulator("http://127.0.0.1:9", {"31": Province("31", "t", KEY, generate("31", 30, 1))})


def _signed(body: dict[str, object], key: bytes = KEY) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    return raw, {"Content-Type": "application/json",
                 **signing.signed_headers(key, datetime.now(UTC), raw)}  # fmt: skip


async def _client(sim: Simulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(sim)),
                             base_url="http://sim")  # fmt: skip


async def test_a_question_is_answered_signed_and_by_the_cards_state() -> None:
    sim = _sim()
    card = next(iter(sim.provinces["31"].cards.values()))
    q = {"card_number": card.number, "use": "identity", "place_code": "3201"}
    async with await _client(sim) as http:
        raw, headers = _signed(q)
        r = await http.post("/provinces/31/yrd/v1/card-status", content=raw, headers=headers)
        assert r.status_code == 200
        assert signing.holds(KEY, r.headers, r.content, datetime.now(UTC))
        assert r.json()["allowed"] is True
        card.status = Status.FORMALLY_LOST
        raw, headers = _signed(q)
        lost = (await http.post("/provinces/31/yrd/v1/card-status", content=raw,
                                headers=headers)).json()  # fmt: skip
        assert (lost["allowed"], lost["code"]) == (False, "card_lost")
        raw, headers = _signed(q, key=b"\x09" * 32)
        r = await http.post("/provinces/31/yrd/v1/card-status", content=raw, headers=headers)
        assert r.status_code == 401


async def test_status_changes_are_taken_once_and_only_signed() -> None:
    sim = _sim()
    batch = {"messages": [{"message_id": "m1", "topic": "yrd.card_status_changed",
                           "payload": {"card_number": "A00000001", "event": "x"}}]}  # fmt: skip
    async with await _client(sim) as http:
        raw, headers = _signed(batch, key=b"\x09" * 32)
        r = await http.post("/provinces/31/yrd/v1/status-changes", content=raw, headers=headers)
        assert r.status_code == 401
        for status in ("applied", "duplicate"):
            raw, headers = _signed(batch)
            r = await http.post("/provinces/31/yrd/v1/status-changes", content=raw,
                                headers=headers)  # fmt: skip
            assert r.json()["results"] == [{"message_id": "m1", "status": status}]
    assert len(sim.provinces["31"].received) == 1
