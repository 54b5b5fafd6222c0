"""Reference data: cities, banks, outlets, policies and hotlines, edited by the administrator
(SPEC CITY-1..3, GOV-1, GOV-2)."""

from __future__ import annotations

import pytest

from tests.support.api import Api


async def test_thirteen_cities_with_banks_policy_and_hotlines(api: Api) -> None:
    """SPEC CITY-1 (13 cities), CITY-2 (Changzhou's 15 banks), CITY-3, GOV-2 (12333)."""
    cities = (await api.get("/api/v1/cities", "hotline")).json()
    assert len(cities) == 13
    assert {c["code"] for c in cities} == {f"32{n:02d}" for n in range(1, 14)}
    changzhou = (await api.get("/api/v1/cities/3204", "hotline")).json()
    assert "JNRCB" in changzhou["bank_codes"]
    assert len(changzhou["bank_codes"]) == 15  # [000]: 目前共有15家合作银行
    fees = changzhou["policy_in_force"]["fees_fen"]
    assert set(fees.values()) == {0}  # SPEC APP-8: Changzhou now charges nothing
    assert "12333" in {h["number"] for h in changzhou["hotlines"]}


async def test_changzhou_2013_policy_charged_replacements(api: Api) -> None:
    """SPEC APP-8, CITY-3: Changzhou's 2013 rule, 20 yuan for a replacement, kept with its date."""
    policies = (await api.get("/api/v1/cities/3204/policies", "admin")).json()
    first = policies[0]
    assert first["effective_from"] == "2013-01-01"
    assert first["rules"]["fees_fen"]["replacement"] == 2000
    assert first["rules"]["fees_fen"]["exchange_quality_fault"] == 0


async def test_outlets_show_kind_making_hours_operations(api: Api) -> None:
    """SPEC GOV-1: outlets with kind, making, address, hours and operations."""
    outlets = (await api.get("/api/v1/outlets", "hotline", params={"city_code": "3204"})).json()
    instant = next(o for o in outlets if o["code"] == "3204-HR-001")
    assert instant["kind"] == "hr"
    assert instant["making"] == "instant"
    assert "apply" in instant["operations"]
    assert instant["address_zh"]


async def test_admin_switches_an_outlet_to_instant_making(api: Api) -> None:
    r = await api.call("PATCH", "/api/v1/outlets/3204-HR-002", "admin", {"making": "instant"})
    assert r.status_code == 200, r.text
    app = await api.applied("clerk_fast")
    assert app["status"] == "ready_for_collection"


async def test_admin_edits_city_bank_list(api: Api) -> None:
    """SPEC CITY-2: the list is data an administrator edits; APP-6 follows it at once."""
    r = await api.call("PUT", "/api/v1/cities/3204/banks", "admin", {"bank_codes": ["ICBC", "ABC"]})
    assert r.json()["bank_codes"] == ["ABC", "ICBC"]
    person = await api.person("clerk_instant")
    refused = await api.submit(person["person_id"], "clerk_instant", bank="JSB")
    assert refused.json()["code"] == "bank_not_cooperating"


async def test_admin_adds_a_future_policy(api: Api) -> None:
    current = (await api.get("/api/v1/cities/3204", "admin")).json()["policy_in_force"]
    rules = {k: v for k, v in current.items() if k != "effective_from"}
    rules["fast_making_working_days"] = 3
    r = await api.post(
        "/api/v1/cities/3204/policies",
        "admin",
        {"effective_from": "2026-11-24", "rules": rules, "note": "test"},
    )
    assert r.status_code == 201, r.text
    past = await api.post(
        "/api/v1/cities/3204/policies", "admin", {"effective_from": "2020-01-01", "rules": rules}
    )
    assert past.status_code == 422
    assert past.json()["field"] == "effective_from"


@pytest.mark.parametrize("who", ["clerk_instant", "hotline", "bank_icbc"])
async def test_only_admin_edits_reference_data(api: Api, who: str) -> None:
    r = await api.call("PATCH", "/api/v1/outlets/3204-HR-002", who, {"making": "instant"})
    assert r.status_code == 403


async def test_a_closed_outlet_refuses_each_application_by_its_own_name(api: Api) -> None:
    """SPEC GOV-1: a clerk of an outlet switched off may apply for nothing; the refusal names
    the operation asked for (a replacement is not "submit_application")."""
    card = await api.card()
    await api.card_post(card["card_number"], "formal-loss", "clerk_nanjing_bank")
    person = await api.person()
    r = await api.call("PATCH", "/api/v1/outlets/3204-HR-001", "admin", {"active": False})
    assert r.status_code == 200, r.text

    replacement = await api.card_post(card["card_number"], "replacement", "clerk_instant", {})
    first = await api.submit(person["person_id"], "clerk_instant")
    assert (replacement.status_code, first.status_code) == (403, 403)
    assert "apply_replacement" in replacement.json()["detail_en"]
    assert "submit_application" in first.json()["detail_en"]
    assert (await api.card_state(card["card_number"]))["hr_status"] == "formally_lost"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"bank_change_allowed": "false"}, "rules.bank_change_allowed"),
        ({"damage_exchange_at": "hr"}, "rules.damage_exchange_at"),
        ({"damage_exchange_at": ["hr", "hr"]}, "rules.damage_exchange_at"),
        ({"fast_making_working_days": -3}, "rules.fast_making_working_days"),
        ({"fast_making_working_days": "five"}, "rules.fast_making_working_days"),
        ({"online_working_days": 1.5}, "rules.online_working_days"),
        ({"photo_background": "purple"}, "rules.photo_background"),
        ({"formal_unlock_scope": "anywhere"}, "rules.formal_unlock_scope"),
        ({"fees_fen": {"replacement": -2000}}, "rules.fees_fen.replacement"),
        ({"fees_fen": {"parking": 100}}, "rules.fees_fen.parking"),
        ({"password_max_attempts": 0}, "rules.password_max_attempts"),
        ({"bogus": 1}, "rules.bogus"),
    ],
)
async def test_a_policy_rule_of_the_wrong_kind_is_refused_by_name(
    api: Api, change: dict[str, object], field: str
) -> None:
    """SPEC CITY-3: a policy is stored only as every rule means it; nothing is coerced (a
    "false" string is not a yes) and nothing unknown is dropped in silence."""
    current = (await api.get("/api/v1/cities/3204", "admin")).json()["policy_in_force"]
    rules = {k: v for k, v in current.items() if k != "effective_from"} | change
    before = (await api.get("/api/v1/cities/3204/policies", "admin")).json()
    r = await api.post(
        "/api/v1/cities/3204/policies", "admin", {"effective_from": "2027-01-01", "rules": rules}
    )
    assert r.status_code == 422, r.text
    problem = r.json()
    assert (problem["code"], problem["field"]) == ("invalid_input", field)
    assert "Error" not in problem["detail_zh"] + problem["detail_en"]
    assert (await api.get("/api/v1/cities/3204/policies", "admin")).json() == before


async def test_a_policy_missing_a_rule_is_refused_by_name(api: Api) -> None:
    current = (await api.get("/api/v1/cities/3204", "admin")).json()["policy_in_force"]
    rules = {k: v for k, v in current.items() if k not in ("effective_from", "unit_batch_days")}
    r = await api.post(
        "/api/v1/cities/3204/policies", "admin", {"effective_from": "2027-01-01", "rules": rules}
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "rules.unit_batch_days"
    assert r.json()["detail_zh"] == "字段“rules.unit_batch_days”无效：必填"
