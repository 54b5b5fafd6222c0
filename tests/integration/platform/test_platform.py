"""Idempotent POSTs, actors, the clock, the calendar, reference data, and personal data in logs.

SPEC CH-1, CH-2, ID-6, APP-2, §17, GOV-1, GOV-2, CITY-1..3.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sscard.kernel.clock import ManualClock
from sscard.tables import metadata
from tests.support.api import Api
from tests.support.numbers import citizen_number

# ---- Idempotency-Key ----


async def test_retry_with_same_key_returns_first_result(api: Api) -> None:
    person = await api.person("clerk_instant")
    headers = {"Idempotency-Key": "counter-7-0001"}

    first = await api.submit(person["person_id"], "clerk_instant", headers=headers)
    again = await api.submit(person["person_id"], "clerk_instant", headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await api.count("applications") == 1


async def test_same_key_with_another_body_refused(api: Api) -> None:
    person = await api.person("clerk_instant")
    headers = {"Idempotency-Key": "counter-7-0002"}
    await api.submit(person["person_id"], "clerk_instant", headers=headers)

    r = await api.submit(person["person_id"], "clerk_instant", bank="ABC", headers=headers)

    assert r.status_code == 422
    assert r.json()["code"] == "idempotency_key_reused"
    assert r.json()["field"] == "Idempotency-Key"


async def test_keys_are_per_actor(api: Api) -> None:
    a = await api.person("clerk_instant")
    b = await api.person("clerk_fast")
    headers = {"Idempotency-Key": "same-key"}
    assert (await api.submit(a["person_id"], "clerk_instant", headers=headers)).status_code == 201
    assert (await api.submit(b["person_id"], "clerk_fast", headers=headers)).status_code == 201


async def test_concurrent_twins_make_one_application(api: Api) -> None:
    person = await api.person("clerk_fast")
    headers = {"Idempotency-Key": "twin"}
    rs = await asyncio.gather(
        *(api.submit(person["person_id"], "clerk_fast", headers=headers) for _ in range(4))
    )
    assert {r.status_code for r in rs} == {201}
    assert len({r.json()["reference"] for r in rs}) == 1
    assert await api.count("applications") == 1


async def test_refusal_is_not_stored_under_the_key(api: Api) -> None:
    """Nothing changed, so a corrected retry with the same key is judged afresh."""
    person = await api.person("clerk_instant", photo=False)
    headers = {"Idempotency-Key": "retry-after-photo"}
    assert (await api.submit(person["person_id"], headers=headers)).status_code == 422
    await api.put_photo(person["person_id"])
    assert (await api.submit(person["person_id"], headers=headers)).status_code == 201


# ---- actors (SPEC CH-1) ----


async def test_admin_creates_a_clerk_whose_token_works(api: Api) -> None:
    r = await api.post(
        "/api/v1/actors",
        "admin",
        {"role": "outlet_clerk", "display_name": "新柜员", "outlet_code": "3204-HR-004"},
    )
    assert r.status_code == 201, r.text
    api.tokens["new"] = r.json()["token"]
    me = (await api.get("/api/v1/me", "new")).json()
    assert me["role"] == "outlet_clerk"
    assert me["channel"] == "hr_outlet"
    assert me["city_code"] == "3204"


async def test_clerk_needs_a_known_outlet(api: Api) -> None:
    r = await api.post(
        "/api/v1/actors",
        "admin",
        {"role": "outlet_clerk", "display_name": "x", "outlet_code": "nope"},
    )
    assert r.status_code == 422
    assert r.json()["field"] == "outlet_code"


async def test_only_admin_creates_actors(api: Api) -> None:
    r = await api.post("/api/v1/actors", "hotline", {"role": "centre_admin", "display_name": "x"})
    assert r.status_code == 403


async def test_deactivated_token_stops_working(api: Api) -> None:
    created = await api.post(
        "/api/v1/actors", "admin", {"role": "hotline_agent", "display_name": "坐席"}
    )
    api.tokens["tmp"] = created.json()["token"]
    assert (await api.get("/api/v1/me", "tmp")).status_code == 200
    await api.post(f"/api/v1/actors/{created.json()['id']}/deactivate", "admin")
    assert (await api.get("/api/v1/me", "tmp")).status_code == 401


# ---- calendar (SPEC APP-2, §17) ----


async def test_unknown_calendar_year_is_reported_not_guessed(api: Api, clock: ManualClock) -> None:
    """§17: 5 working days from 28 Dec 2026 reach into 2027, which is not loaded."""
    clock.set(datetime(2026, 12, 28, 2, 0, tzinfo=UTC))
    app = await api.applied("clerk_fast")
    assert app["due_date"] is None
    assert app["due_waits_for_calendar_year"] == 2027
    waiting = await api.get("/api/v1/applications", "admin", params={"due_unknown": "true"})
    assert [a["reference"] for a in waiting.json()["items"]] == [app["reference"]]

    r = await api.call(
        "PUT",
        "/api/v1/calendar/years/2027",
        "admin",
        {
            "holidays": [{"day": "2027-01-01", "name": "元旦"}],
            "adjusted_workdays": [],
            "source": "test notice",
        },
    )

    assert r.status_code == 200, r.text
    assert r.json()["applications_given_due_dates"] == 1
    # Working days after Mon 28 Dec: 29, 30, 31 Dec, (1 Jan holiday), Mon 4, Tue 5 Jan.
    got = await api.get(f"/api/v1/applications/{app['reference']}", "admin")
    assert got.json()["due_date"] == "2027-01-05"
    assert got.json()["due_waits_for_calendar_year"] is None


async def test_calendar_year_with_weekday_as_adjusted_workday_refused(api: Api) -> None:
    r = await api.call(
        "PUT",
        "/api/v1/calendar/years/2027",
        "admin",
        {
            "holidays": [],
            "adjusted_workdays": [{"day": "2027-01-06", "name": "x"}],
            "source": "s",
        },
    )
    assert r.status_code == 422
    assert r.json()["field"] == "adjusted_workdays.0.day"
    years = (await api.get("/api/v1/calendar/years", "admin")).json()
    assert 2027 not in [y["year"] for y in years]


async def test_shipped_calendar_covers_2004_to_2026(api: Api) -> None:
    years = [y["year"] for y in (await api.get("/api/v1/calendar/years", "admin")).json()]
    assert years[0] == 2004
    assert years[-1] == 2026


# ---- reference data (SPEC CITY-1..3, GOV-1, GOV-2) ----


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


# ---- the clock ----


async def test_clock_moves_only_in_adjustable_mode(api: Api) -> None:
    r = await api.post("/api/v1/clock/advance", "admin", {"days": 1})
    assert r.status_code == 409
    assert r.json()["code"] == "clock_not_adjustable"
    now = (await api.get("/api/v1/clock", "admin")).json()
    assert now["business_date"] == "2026-11-23"


# ---- personal data (SPEC ID-6) ----


async def test_personal_data_never_logged_in_clear(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    number = citizen_number(datetime(1991, 4, 4).date())
    await api.register(name="赵测试", document={"type": "resident_id", "number": number})
    await api.register(name="赵测试", document={"type": "resident_id", "number": number})
    await api.post("/api/v1/persons/lookup", "hotline", {"social_security_number": number})
    assert number not in caplog.text
    assert "赵测试" not in caplog.text


async def test_lookup_by_social_security_number_is_masked(api: Api) -> None:
    number = citizen_number(datetime(1992, 5, 5).date())
    await api.register(document={"type": "resident_id", "number": number})
    r = await api.post("/api/v1/persons/lookup", "hotline", {"social_security_number": number})
    assert r.status_code == 200, r.text
    assert number not in r.text
    missing = await api.post(
        "/api/v1/persons/lookup", "hotline", {"social_security_number": "320499199001011111"}
    )
    assert missing.status_code == 404


# ---- schema ----


async def test_migrations_match_the_tables(api: Api) -> None:
    async with api.rt.engine.connect() as conn:
        diff = await conn.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), metadata)
        )
    assert diff == []


async def test_personal_data_is_encrypted_at_rest(api: Api) -> None:
    """SPEC ID-6: names, numbers and phones are stored encrypted, with a masked copy."""
    from sqlalchemy import select

    from sscard.kernel.actor import OPERATOR
    from sscard.registry.models import persons

    number = citizen_number(datetime(1993, 6, 6).date())
    await api.register(
        name="钱测试", phone="13912345678", document={"type": "resident_id", "number": number}
    )
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        row = (await ctx.conn.execute(select(persons))).mappings().one()
    stored = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row.values())
    for clear in (number, "钱测试", "13912345678"):
        assert clear.encode() not in stored
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        assert ctx.vault.decrypt(row["name_enc"]) == "钱测试"
