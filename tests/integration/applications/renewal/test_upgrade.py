"""Upgrade from a gen-1/gen-2 card (SPEC GEN-3, ISS-5)."""

from __future__ import annotations

from typing import Any

from tests.integration.applications.renewal.helpers import collect, outbox_topics
from tests.support.api import ADULT_BIRTH, Api
from tests.support.numbers import citizen_number


def _old(**over: Any) -> dict[str, Any]:
    return {
        "generation": 2,
        "number": "6222021234567890",
        "issuer_city_code": "3204",
        "bank_code": "ICBC",
        "presented": True,
        **over,
    }


async def _person(
    api: Api, as_: str = "clerk_instant", city: str = "3204"
) -> tuple[int, dict[str, Any]]:
    doc = {"type": "resident_id", "number": citizen_number(ADULT_BIRTH)}
    p = await api.person(as_, document=doc, city_code=city)
    return p["person_id"], doc


async def _upgrade(
    api: Api, person_id: int, as_: str = "clerk_instant", bank: str = "ICBC", **old: Any
) -> Any:
    body = {"person_id": person_id, "bank_code": bank, "old_card": _old(**old)}
    return await api.post("/api/v1/applications/upgrade", as_, body)


async def test_same_bank_upgrade_goes_straight_and_moves_the_medical_function(api: Api) -> None:
    """SPEC GEN-3 / ISS-5: same bank directly; on activation the old card loses medical use."""
    person_id, doc = await _person(api)
    r = await _upgrade(api, person_id)
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "upgrade"

    await collect(api, r.json()["reference"], doc)

    assert ("medical.function_moved", "medical_insurance") in await outbox_topics(api)
    history = (
        await api.get(f"/api/v1/applications/{r.json()['reference']}/history", "admin")
    ).json()
    assert "hr_activated" in [h["event"] for h in history]


async def test_another_banks_card_is_settled_at_that_bank_first(api: Api) -> None:
    """SPEC GEN-3: another bank's card (this city or another) is reported lost or closed first."""
    person_id, _ = await _person(api)
    r = await _upgrade(api, person_id, bank_code="ABC")
    assert r.status_code == 409
    assert r.json()["code"] == "other_bank_card_first"
    r = await _upgrade(api, person_id, bank_code="ABC", issuer_city_code="3201")
    assert r.status_code == 409
    r = await _upgrade(api, person_id, bank_code="ABC", bank_closure="formally_lost")
    assert r.status_code == 201, r.text


async def test_card_from_outside_jiangsu_goes_straight(api: Api) -> None:
    """SPEC GEN-3: a card from outside Jiangsu needs nothing first, whatever its bank."""
    person_id, _ = await _person(api)
    r = await _upgrade(api, person_id, bank_code="ABC", issuer_city_code=None)
    assert r.status_code == 201, r.text


async def test_nantong_asks_for_the_old_card(api: Api) -> None:
    """SPEC GEN-3 / CITY-3: Nantong's policy requires the old card at the counter."""
    person_id, _ = await _person(api, "clerk_nantong", "3206")
    r = await _upgrade(api, person_id, "clerk_nantong", issuer_city_code="3206", presented=False)
    assert r.status_code == 422
    assert r.json()["code"] == "old_card_required"
    r = await _upgrade(api, person_id, "clerk_nantong", issuer_city_code="3206")
    assert r.status_code == 201, r.text


async def test_upgrade_only_from_an_older_generation_and_only_without_a_gen3_card(api: Api) -> None:
    """SPEC GEN-3 / ID-3: generation 3 is not upgraded; a gen-3 holder exchanges instead."""
    person_id, _ = await _person(api)
    r = await _upgrade(api, person_id, generation=3)
    assert r.status_code == 422
    card = await api.card()
    r = await _upgrade(api, card["person_id"])
    assert r.status_code == 409
    assert r.json()["code"] == "live_card_exists"
