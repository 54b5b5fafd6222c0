"""The temporary medical card while a replacement is made (SPEC REP-1)."""

from __future__ import annotations

from tests.integration.applications.renewal.helpers import collect
from tests.support.api import Api


async def test_temporary_medical_card_while_the_replacement_is_made(api: Api) -> None:
    """SPEC REP-1: a temporary medical card during the wait; it ends at collection."""
    card = await api.card("clerk_fast")
    path = f"/api/v1/persons/{card['person_id']}/temporary-medical-cards"
    r = await api.post(path, "clerk_fast")
    assert r.status_code == 409
    assert r.json()["code"] == "no_replacement_in_progress"
    await api.card_post(card["card_number"], "formal-loss", "clerk_nanjing_bank")
    r = await api.card_post(card["card_number"], "replacement", "clerk_fast", {})
    ref = r.json()["reference"]
    assert r.json()["status"] == "accepted"  # a fast outlet: within 5 working days

    r = await api.post(path, "clerk_fast")
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "valid"
    assert r.json()["number"].startswith("LS3204")
    again = await api.post(path, "clerk_fast")  # one per application
    assert again.status_code == 409
    assert (again.json()["code"], again.json()["rule"]) == (
        "temporary_medical_card_issued",
        "REP-1",
    )
    await collect(api, ref, card["document"], "clerk_fast")
    r = await api.get(path, "clerk_fast")
    assert [t["status"] for t in r.json()] == ["ended"]


async def test_only_staff_at_an_outlet_issue_one_for_a_known_person(api: Api) -> None:
    """SPEC CH-1: a hotline agent may not issue it; an unknown person is not found."""
    card = await api.card("clerk_fast")
    path = f"/api/v1/persons/{card['person_id']}/temporary-medical-cards"
    assert (await api.post(path, "hotline")).status_code == 403
    r = await api.post("/api/v1/persons/999999/temporary-medical-cards", "clerk_fast")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
