"""City transfer inside Jiangsu: two steps in the province, a cancellation out of it (SPEC
JUR-1..3)."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api


def _transfer(card: dict[str, Any], to: str = "3205", **over: Any) -> dict[str, Any]:
    return {
        "to_city_code": to,
        "transfer_certificate_number": "ZY-2026-000123",
        "document": card["document"],
        **over,
    }


async def test_city_transfer_keeps_the_card_in_two_steps(api: Api) -> None:
    """SPEC JUR-1: changed at the outgoing city, social data reset at the new city; bank kept."""
    card = await api.card()
    n = card["card_number"]
    r = await api.card_post(n, "management-city", "clerk_suzhou", _transfer(card))
    assert r.status_code == 409
    assert r.json()["code"] == "not_the_cards_city"

    r = await api.card_post(n, "management-city", "clerk_instant", _transfer(card))

    assert r.status_code == 200, r.text
    assert (r.json()["card_number"], r.json()["city_code"], r.json()["bank_code"]) == (
        n,
        "3205",
        "ICBC",
    )
    r = await api.card_post(n, "social-data-reset", "clerk_instant")
    assert r.status_code == 409
    assert r.json()["code"] == "not_the_cards_city"
    r = await api.card_post(n, "social-data-reset", "clerk_suzhou")
    assert r.status_code == 200, r.text
    r = await api.card_post(n, "social-data-reset", "clerk_suzhou")
    assert r.status_code == 409
    assert r.json()["code"] == "no_social_data_reset_pending"
    history = (await api.get(f"/api/v1/cards/{n}/history", "admin")).json()
    assert [h["event"] for h in history][-2:] == ["change_city", "reset_social_data"]


async def test_city_transfer_needs_the_holders_document_and_certificate(api: Api) -> None:
    """SPEC JUR-1: the card, the transfer certificate and the holder's ID."""
    card = await api.card()
    other = await api.card()
    n = card["card_number"]
    r = await api.card_post(
        n, "management-city", "clerk_instant", _transfer(card, document=other["document"])
    )
    assert r.status_code == 422
    assert r.json()["code"] == "not_the_holders_document"
    r = await api.card_post(
        n, "management-city", "clerk_instant", _transfer(card, transfer_certificate_number="x")
    )
    assert r.status_code == 422
    assert r.json()["field"] == "transfer_certificate_number"
    assert (await api.card_state(n))["city_code"] == "3204"


async def test_transfer_out_of_the_province_is_a_cancellation(api: Api) -> None:
    """SPEC JUR-2: another province means cancellation, not a city change."""
    card = await api.card()
    r = await api.card_post(
        card["card_number"], "management-city", "clerk_instant", _transfer(card, "3301")
    )
    assert r.status_code == 409
    assert r.json()["code"] == "transfer_out_of_province"
