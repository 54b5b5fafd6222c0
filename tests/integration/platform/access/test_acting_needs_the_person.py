"""A procedure acts on a person only where the actor may reach that person (issue 11's rule for
reads, now for every act by person id; found while building the console, issue 12): a clerk
after the person's document was presented at that outlet, a city's centre in its city. Anything
else is answered as for a person that does not exist, and nothing is stored."""

from __future__ import annotations

import pytest

from tests.support.api import Api

ACTS = {
    "first application": ("POST", "/api/v1/applications", {"bank_code": "ICBC"}),
    "base-data correction": (
        "POST",
        "/api/v1/persons/{person}/base-data-corrections",
        {"certificate_number": "GA2026-0001", "name": "改名人"},
    ),
    "temporary medical card": ("POST", "/api/v1/persons/{person}/temporary-medical-cards", None),
}


@pytest.mark.parametrize("act", list(ACTS))
async def test_a_clerk_the_person_never_came_to_cannot_act_for_them(api: Api, act: str) -> None:
    person = (await api.person("clerk_instant"))["person_id"]
    method, path, body = ACTS[act]
    if body is not None and path == "/api/v1/applications":
        body = {**body, "person_id": person}
    before = (await api.count("applications"), await api.count("temporary_medical_cards"))
    r = await api.call(method, path.format(person=person), "clerk_fast", json=body)
    assert r.status_code == 404, r.text
    assert r.json()["field"] == "person_id"
    assert before == (await api.count("applications"), await api.count("temporary_medical_cards"))


async def test_once_the_person_shows_their_document_the_clerk_may_act(api: Api) -> None:
    person = (await api.person("clerk_instant"))["person_id"]
    await api.present(person, "clerk_fast")
    r = await api.submit(person, "clerk_fast")
    assert r.status_code == 201, r.text


async def test_a_city_centre_records_credit_entries_for_its_own_city_only(api: Api) -> None:
    person = (await api.person("clerk_instant"))["person_id"]  # Changzhou
    path = f"/api/v1/persons/{person}/credit-record"
    r = await api.post(path, "admin_suzhou", {"kind": "malicious_repeat_exchange"})
    assert r.status_code == 404, r.text
    assert r.json()["field"] == "person_id"
