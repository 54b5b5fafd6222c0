"""Role x operation x organisation (issue 11, SPEC CH-1): the role may do the operation, but
only on its own organisation's records — a city's centre its city, a bank its cards, a holder
their own. The role x operation matrix is tests/integration/test_role_matrix.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api

CHANGZHOU_OUTLET = "3204-HR-005"
SUZHOU_OUTLET = "3205-HR-001"
POLICY = {"effective_from": "2027-01-01", "rules": {}, "source": "test"}


def refused(r: Any, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.json()["code"] == code, r.text


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"role": "province_admin"}, "not_yours_to_create"),
        ({"role": "centre_admin", "city_code": "3204"}, "not_yours_to_create"),
        ({"role": "outlet_clerk", "outlet_code": CHANGZHOU_OUTLET}, "not_yours_to_create"),
        ({"role": "bank_system", "bank_code": "ICBC"}, "not_yours_to_create"),
        ({"role": "auditor"}, "not_yours_to_create"),
    ],
    ids=["province-admin", "other-city-admin", "other-city-clerk", "bank", "auditor"],
)
async def test_a_city_administrator_creates_nothing_beyond_its_city(
    api: Api, body: dict[str, Any], code: str
) -> None:
    """Issue 11: `token create --role centre_admin --city 3205` made province-wide admins."""
    before = await api.counts()
    r = await api.post("/api/v1/actors", "admin_suzhou", {**body, "display_name": "某人"})
    refused(r, 403, code)
    assert await api.counts() == before


@pytest.mark.parametrize(
    "body",
    [
        {"role": "outlet_clerk", "outlet_code": SUZHOU_OUTLET},
        {"role": "centre_admin", "city_code": "3205"},
        {"role": "hotline_agent", "city_code": "3205"},
    ],
    ids=["clerk", "admin", "agent"],
)
async def test_a_city_administrator_staffs_its_own_city(api: Api, body: dict[str, Any]) -> None:
    r = await api.post("/api/v1/actors", "admin_suzhou", {**body, "display_name": "某人"})
    assert r.status_code == 201, r.text


async def test_a_centre_administrator_belongs_to_a_city(api: Api) -> None:
    r = await api.post("/api/v1/actors", "admin", {"role": "centre_admin", "display_name": "x"})
    assert (r.status_code, r.json()["field"]) == (422, "city_code")


async def test_a_city_administrator_lists_and_deactivates_its_city_only(api: Api) -> None:
    ids = {a["id"]: a["city_code"] for a in (await api.get("/api/v1/actors", "admin")).json()}
    mine = (await api.get("/api/v1/actors", "admin_suzhou")).json()
    assert mine
    assert {a["city_code"] for a in mine} == {"3205"}
    changzhou = next(i for i, city in ids.items() if city == "3204")
    r = await api.post(f"/api/v1/actors/{changzhou}/deactivate", "admin_suzhou")
    assert r.status_code == 404, r.text


@pytest.mark.parametrize(
    ("method", "path", "body", "mine"),
    [
        ("PATCH", f"/api/v1/outlets/{CHANGZHOU_OUTLET}", {"phone": "0519-1"}, SUZHOU_OUTLET),
        ("PUT", "/api/v1/cities/3204/banks", {"bank_codes": ["ICBC"], "source": "t"}, "3205"),
        ("POST", "/api/v1/cities/3204/policies", POLICY, "3205"),
    ],
    ids=["outlet", "city-banks", "city-policy"],
)
async def test_reference_data_of_another_city_is_not_yours(
    api: Api, method: str, path: str, body: dict[str, Any], mine: str
) -> None:
    before = await api.counts()
    refused(await api.call(method, path, "admin_suzhou", body), 403, "outside_your_city")
    assert await api.counts() == before
    own = path.replace(CHANGZHOU_OUTLET, mine).replace("3204", mine)
    r = await api.call(method, own, "admin_suzhou", body)
    assert r.status_code != 403, r.text  # past the scope (a policy then needs its rules)
    assert (await api.call(method, path, "admin", body)).status_code != 403


async def test_another_citys_applications_and_cards_are_not_found(api: Api) -> None:
    """Issue 11: the Suzhou admin started production of a Changzhou application and listed
    every city's applications."""
    app = await api.applied("clerk_fast")
    ref = app["reference"]
    refused(await api.step(ref, "start-production", "admin_suzhou"), 404, "not_found")
    refused(await api.get(f"/api/v1/applications/{ref}", "admin_suzhou"), 404, "not_found")
    listed = await api.get("/api/v1/applications", "admin_suzhou")
    assert listed.json()["items"] == []
    other = await api.get("/api/v1/applications", "admin_suzhou", params={"city_code": "3204"})
    assert other.json()["items"] == []
    assert (await api.step(ref, "start-production", "admin")).status_code == 200

    card = await api.card()
    number = card["card_number"]
    for path in (f"/api/v1/cards/{number}", f"/api/v1/cards/{number}/history"):
        refused(await api.get(path, "admin_suzhou"), 404, "not_found")
    pid = card["person_id"]
    refused(await api.get(f"/api/v1/persons/{pid}", "admin_suzhou"), 404, "not_found")
    assert (await api.get(f"/api/v1/persons/{pid}", "admin")).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/calendar/years",
        "/api/v1/outbox",
        "/api/v1/bank-inbox",
        "/api/v1/banks/ICBC/reconciliations",
        "/api/v1/notifications",
    ],
)
async def test_province_wide_data_is_the_provinces(api: Api, path: str) -> None:
    r = await api.get(path, "admin_suzhou")
    if r.status_code != 200:  # reading the calendar is open to all; the rest is the province's
        refused(r, 403, "forbidden")
    assert (await api.get(path, "admin")).status_code == 200


async def test_a_bank_sees_its_own_cards_and_a_holder_their_own(api: Api) -> None:
    icbc = await api.card()
    number = icbc["card_number"]
    refused(await api.get(f"/api/v1/cards/{number}", "bank_szb"), 404, "not_found")
    assert (await api.get(f"/api/v1/cards/{number}", "bank_icbc")).status_code == 200
    other = await api.person()
    holder = await api.cardholder(icbc["person_id"])
    assert (await api.get(f"/api/v1/cards/{number}", holder)).status_code == 200
    refused(await api.get(f"/api/v1/persons/{other['person_id']}", holder), 403, "forbidden")
