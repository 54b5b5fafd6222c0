"""Scenes and their terminals (issue 14 items 7, 8, 11; SPEC SCN-1, LOSS-5, ECARD-3): the card
centre registers a city's scenes and their terminals; a terminal signs each request; every use
is recorded, refusals too, with no personal data; a refusal says why in the terminal's
language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from sscard.kernel.clock import ManualClock
from tests.integration.ecards.test_ecard_qr import holder_with_card, shown
from tests.integration.scenes.support import SceneTerminal, scene
from tests.support.api import Api

IDENTITY = "/api/v1/scene-uses/identity"


async def lose(api: Api, number: str) -> None:
    r = await api.card_post(number, "temporary-loss", "hotline")
    assert r.status_code in (200, 201), r.text


async def uses(api: Api, code: str) -> list[dict[str, Any]]:
    r = await api.get(f"/api/v1/scenes/{code}/uses", "admin", params={"since": "2026-11-23"})
    assert r.status_code == 200, r.text
    counts: list[dict[str, Any]] = r.json()["counts"]
    return counts


async def test_a_hall_checks_the_card_as_identity_and_the_read_is_logged(api: Api) -> None:
    """SCN-1: the card is an identity credential; the hall gets name and number for its record,
    and the read is in the access log as the card shown at a scene (ID-6)."""
    card = await api.card()
    hall = await scene(api, "government_hall", "GH3204000001")
    answer = await hall.identity(card_number=card["card_number"])
    assert answer["allowed"] is True, answer
    assert answer["holder"] == {
        "name": "测试人",
        "social_security_number": card["document"]["number"],
    }
    assert "*" in answer["card_number_masked"]
    r = await api.get("/api/v1/access-log", "auditor", params={"person_id": card["person_id"]})
    purposes = [(e["role"], e["purpose"]) for e in r.json()["items"]]
    assert ("scene_terminal", "credential_shown") in purposes
    assert await uses(api, "GH3204000001") == [
        {
            "use": "identity",
            "credential": "card",
            "card_city_code": "3204",
            "allowed": True,
            "refusal_code": None,
            "uses": 1,
        }
    ]


@pytest.mark.parametrize("kind", ["government_hall", "hotel", "hospital"])
async def test_a_lost_card_is_refused_at_every_scene_that_checks_identity(
    api: Api, kind: str
) -> None:
    """LOSS-5: while the card is lost, scenes refuse it, and say why; the refusal is recorded."""
    card = await api.card()
    terminal = await scene(api, kind, "SC3204000009", language="en")
    await lose(api, card["card_number"])
    answer = await terminal.identity(card_number=card["card_number"])
    assert answer["allowed"] is False
    assert (answer["code"], answer["rule"]) == ("card_lost", "LOSS-5")
    assert answer["reason"] == answer["reason_en"] == "temporarily reported lost"
    assert answer["reason_zh"] == "卡片已临时挂失"
    assert answer["holder"] is None
    [counted] = await uses(api, "SC3204000009")
    assert (counted["allowed"], counted["refusal_code"]) == (False, "card_lost")


async def test_an_ecard_code_at_a_hotel_once_and_only_for_identity(
    api: Api, clock: ManualClock
) -> None:
    """SCN-1, ECARD-3: the identity code is accepted once; a replay, an expired code and a
    code for another use are refused; a code refused for its use is not spent."""
    card, holder = await holder_with_card(api)
    hotel = await scene(api, "hotel", "HT3204000001")
    code = await shown(api, holder, "identity")
    answer = await hotel.identity(qr=code)
    assert (answer["allowed"], answer["credential"]) == (True, "ecard")
    assert answer["holder"]["social_security_number"] == card["document"]["number"]
    again = await hotel.identity(qr=code)
    assert (again["allowed"], again["code"]) == (False, "qr_refused")
    assert "已使用过" in again["reason"]
    entry = await shown(api, holder, "entry")
    wrong = await hotel.identity(qr=entry)
    assert (wrong["allowed"], wrong["code"]) == (False, "qr_refused")
    r = await api.post("/api/v1/ecard-qr/checks", "clerk_other", {"qr": entry})
    assert r.status_code == 200, r.text  # not spent by the hotel's refusal
    late = await shown(api, holder, "identity")
    clock.advance(timedelta(seconds=61))
    expired = await hotel.identity(qr=late)
    assert (expired["allowed"], expired["code"]) == (False, "qr_expired")
    counted: dict[tuple[bool, str | None], int] = {}
    for c in await uses(api, "HT3204000001"):
        key = (c["allowed"], c["refusal_code"])
        counted[key] = counted.get(key, 0) + c["uses"]
    assert counted == {(True, None): 1, (False, "qr_refused"): 2, (False, "qr_expired"): 1}


async def test_a_scene_asks_only_for_the_uses_of_its_kind(api: Api) -> None:
    card = await api.card()
    museum = await scene(api, "museum", "MU3204000001")
    answer = await museum.identity(card_number=card["card_number"])
    assert (answer["allowed"], answer["code"], answer["rule"]) == (
        False,
        "use_not_offered",
        "SCN-1",
    )
    assert answer["reason"] == "博物馆不能办理“身份核验”"


async def test_an_unknown_card_is_refused_and_recorded(api: Api) -> None:
    hall = await scene(api, "government_hall", "GH3204000002")
    answer = await hall.identity(card_number="Z99999999")
    assert (answer["allowed"], answer["code"]) == (False, "unknown_card")
    [counted] = await uses(api, "GH3204000002")
    assert counted["card_city_code"] is None


async def test_an_unsigned_or_badly_signed_request_is_refused_and_nothing_recorded(
    api: Api, clock: ManualClock
) -> None:
    card = await api.card()
    hall = await scene(api, "government_hall", "GH3204000003")
    body = {"card_number": card["card_number"]}
    r = await hall.post(IDENTITY, body, secret=b"x" * 32)
    assert (r.status_code, r.json()["code"]) == (401, "signature_refused")
    r = await hall.post(IDENTITY, body, at=clock.now() - timedelta(minutes=10))
    assert (r.status_code, r.json()["code"]) == (401, "signature_refused")
    r = await api.post(IDENTITY, hall.key, body)
    assert (r.status_code, r.json()["code"]) == (401, "signature_refused")
    r = await hall.post(IDENTITY, {"card_number": card["card_number"], "qr": "SC1:XX"})
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
    assert r.json()["errors"][0]["reason_zh"] == "card_number 与 qr 须给出且只给出一个"
    r = await hall.post(IDENTITY, None, raw=b'{"request_id": "r-00000001", "card_number": 12}')
    assert (r.status_code, r.json()["field"]) == (422, "card_number")
    twice = b'{"request_id": "r-00000002", "card_number": "A1", "card_number": "A2"}'
    r = await hall.post(IDENTITY, None, raw=twice)
    assert (r.status_code, r.json()["field"]) == (422, "card_number")  # a key given twice
    assert await uses(api, "GH3204000003") == []
    assert await api.count("scene_use_events") == 0


async def test_a_terminal_taken_out_of_service_is_refused(api: Api) -> None:
    card = await api.card()
    hall = await scene(api, "government_hall", "GH3204000004")
    r = await api.post("/api/v1/scenes/GH3204000004/terminals/T1/deactivate", "admin")
    assert r.status_code == 200, r.text
    assert r.json()["terminals"][0]["active"] is False
    r = await hall.post(IDENTITY, {"card_number": card["card_number"]})
    assert r.status_code == 401, r.text


async def test_the_card_centre_registers_its_own_citys_scenes_only(api: Api) -> None:
    """CH-1: Suzhou's centre registers Suzhou's scenes; a code once; kinds from the list; the
    terminal's key is shown once and never listed."""
    body = {"code": "HT3204000002", "name": "某酒店", "kind": "hotel", "city_code": "3204"}
    r = await api.post("/api/v1/scenes", "admin_suzhou", body)
    assert (r.status_code, r.json()["code"]) == (403, "outside_your_city")
    body |= {"city_code": "3205", "code": "HT3205000001"}
    r = await api.post("/api/v1/scenes", "admin_suzhou", body)
    assert r.status_code == 201, r.text
    assert r.json()["uses"] == ["identity"]
    r = await api.post("/api/v1/scenes", "admin", body)
    assert (r.status_code, r.json()["code"]) == (409, "scene_already_registered")
    bad = body | {"code": "HT3205000002", "kind": "casino"}
    r = await api.post("/api/v1/scenes", "admin", bad)
    assert (r.status_code, r.json()["field"]) == (422, "kind")
    r = await api.post(
        "/api/v1/scenes/HT3205000001/terminals", "admin_suzhou", {"terminal_code": "front-1"}
    )
    assert r.status_code == 201, r.text
    r = await api.post(
        "/api/v1/scenes/HT3205000001/terminals", "admin_suzhou", {"terminal_code": "front-1"}
    )
    assert (r.status_code, r.json()["code"]) == (409, "terminal_already_registered")
    listed = await api.get("/api/v1/scenes", "admin_suzhou")
    assert [s["code"] for s in listed.json()] == ["HT3205000001"]
    assert listed.json()[0]["terminals"] == 1
    one = await api.get("/api/v1/scenes/HT3205000001", "admin")
    assert "signing_key" not in one.text
    assert "token" not in one.text
    r = await api.post(
        "/api/v1/actors", "admin", {"role": "scene_terminal", "display_name": "bare"}
    )
    assert (r.status_code, r.json()["field"]) == (422, "role")


async def test_a_terminal_of_another_city_still_takes_the_card(api: Api) -> None:
    """全省通办: a Suzhou hotel checks a Changzhou card."""
    card = await api.card()
    hotel: SceneTerminal = await scene(api, "hotel", "HT3205000009", city="3205")
    answer = await hotel.identity(card_number=card["card_number"])
    assert answer["allowed"] is True
    assert answer["card_city_code"] == "3204"


async def test_a_signed_request_sent_again_is_refused(api: Api) -> None:
    """A request captured inside the signature's window and sent again is refused by its id;
    the first one stands alone in the statistics."""
    card = await api.card()
    hall = await scene(api, "government_hall", "GH3204000005")
    body = {"request_id": "0f3c2a9e-replay", "card_number": card["card_number"]}
    first = await hall.post(IDENTITY, body)
    assert first.status_code == 200, first.text
    again = await hall.post(IDENTITY, body)
    assert (again.status_code, again.json()["code"]) == (409, "request_replayed")
    assert card["document"]["number"] not in again.text
    [counted] = await uses(api, "GH3204000005")
    assert counted["uses"] == 1
