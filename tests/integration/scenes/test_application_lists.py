"""Application lists (issue 14 item 13; SPEC YRD-2): the delta's list and the province's ship
as version 1; a new version takes effect on its day; a use at a scene is allowed only where a
list in force in its city includes it, a city's list extending the others; each centre
publishes only its own scope; the lists are published for anyone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sscard.kernel.clock import ManualClock
from tests.integration.culture.test_culture import ok
from tests.integration.scenes.support import scene
from tests.support.api import Api

LISTS = "/api/v1/application-lists"
WITHOUT_LIBRARY = [
    {"use": "identity", "kinds": ["government_hall", "hotel", "hospital"]},
    {"use": "medical", "kinds": ["hospital", "pharmacy"]},
    {"use": "entry", "kinds": ["scenic_spot", "museum", "library"]},
    {"use": "ticket", "kinds": ["scenic_spot", "museum"]},
]


def body(scope: str, day: str, entries: list[dict[str, Any]], **over: Any) -> dict[str, Any]:
    return {"scope": scope, "effective_from": day, "entries": entries, "note": "调整", **over}


async def test_a_use_is_allowed_only_where_a_list_in_force_includes_it(
    api: Api, clock: ManualClock
) -> None:
    card = await api.card()
    number = card["card_number"]
    changzhou = await scene(api, "library", "LB3204000009")
    nanjing = await scene(api, "library", "LB3201000009", city="3201")
    tomorrow = str(clock.now().date() + timedelta(days=1))
    r = await api.post(LISTS, "admin", body("delta", tomorrow, WITHOUT_LIBRARY))
    assert (r.status_code, r.json()["version"]) == (201, 2), r.text
    reader = await ok(changzhou, "library/readers", {"card_number": number})
    assert reader["allowed"] is True  # version 1 still in force today
    clock.advance(timedelta(days=1))
    refused = await ok(changzhou, "library/readers", {"card_number": number})
    assert (refused["allowed"], refused["code"], refused["rule"]) == (False, "not_listed", "YRD-2")
    city = body("city", str(clock.now().date()), [{"use": "library", "kinds": ["library"]}],
                city_code="3201")  # fmt: skip
    r = await api.post(LISTS, "admin", city)
    assert r.status_code == 201, r.text
    assert (await ok(nanjing, "library/readers", {"card_number": number}))["allowed"] is True
    still = await ok(changzhou, "library/readers", {"card_number": number})
    assert still["code"] == "not_listed"  # Nanjing's list extends Nanjing's scenes only
    published = (await api.client.get(LISTS, params={"city_code": "3201"})).json()  # no token
    assert [(x["scope"], x["version"]) for x in published["lists"]] == [
        ("delta", 2),
        ("province", 1),
        ("city", 1),  # a city's list has no shipped version: its first is 1
    ]
    assert {"use": "library", "kinds": ["library"]} in published["together"]
    versions = await api.client.get(f"{LISTS}/versions", params={"scope": "delta"})
    assert [v["version"] for v in versions.json()] == [2, 1]


async def test_each_centre_publishes_its_own_scope_and_bad_lists_change_nothing(
    api: Api, clock: ManualClock
) -> None:
    today = str(clock.now().date())
    r = await api.post(LISTS, "admin_suzhou", body("delta", today, WITHOUT_LIBRARY))
    assert (r.status_code, r.json()["code"]) == (403, "not_your_list")
    r = await api.post(LISTS, "admin_suzhou", body("city", today, [], city_code="3204"))
    assert (r.status_code, r.json()["code"]) == (403, "outside_your_city")
    r = await api.post(LISTS, "admin_suzhou", body("city", today, [], city_code="3205"))
    assert r.status_code == 201, r.text
    for bad, field in (
        (body("delta", "2020-01-01", []), "effective_from"),
        (body("city", today, []), "city_code"),
        (body("province", today, [], city_code="3205"), "city_code"),
        (body("delta", today, [{"use": "medical", "kinds": ["hotel"]}]), "entries.0.kinds.0"),
        (body("delta", today, [{"use": "gamble", "kinds": ["hotel"]}]), "entries.0.use"),
        (body("delta", today, [], note=" "), "note"),
    ):
        r = await api.post(LISTS, "admin", bad)
        assert (r.status_code, r.json()["field"]) == (422, field), (bad, r.text)
    assert await api.count("application_lists") == 1
    r = await api.client.get(LISTS, params={"city_code": "9999"})
    assert (r.status_code, r.json()["field"]) == (422, "city_code")
    r = await api.post(LISTS, "admin", body("city", today, [], city_code="9999"))
    assert (r.status_code, r.json()["field"]) == (422, "city_code")
    r = await api.post(LISTS, "admin", body("delta", "2099-01-01", []))
    assert (r.status_code, r.json()["field"]) == (422, "effective_from")
    r = await api.client.get(f"{LISTS}/versions", params={"scope": "city"})
    assert (r.status_code, r.json()["field"]) == (422, "city_code")
