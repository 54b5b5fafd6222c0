"""Registering persons and the refusals at the counter: clear, bilingual, nothing stored.

SPEC ID-1, ID-2, ID-3, ID-6, APP-5, APP-6, §17.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from tests.support.api import Api
from tests.support.numbers import citizen_number, with_check_digit, wrong_check_digit

PROBLEM = "application/problem+json"


def assert_problem(r: httpx.Response, status: int, code: str, rule: str | None, field: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = r.json()
    assert body["code"] == code
    assert body["rule"] == rule
    assert body["field"] == field
    assert body["detail_zh"]
    assert body["detail_en"]
    assert body["detail"] == body["detail_zh"]  # Chinese first


async def refused_and_nothing_stored(api: Api, request: Any) -> httpx.Response:
    before = await api.counts()
    r = await request
    assert await api.counts() == before
    return r


async def test_register_with_resident_id_shows_masked_person(api: Api) -> None:
    """SPEC ID-1, ID-6: registered, and what comes back is masked."""
    number = citizen_number(date(1988, 3, 9))
    r = await api.register(
        "clerk_instant", name="王测试", document={"type": "resident_id", "number": number}
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["name"] == "王**"
    assert body["social_security_number"] == number[:6] + "********" + number[-4:]
    assert body["documents"][0]["number"] != number
    assert body["phone"] == "139****0000"
    assert number not in r.text
    assert "王测试" not in r.text


async def test_bad_check_digit_refused(api: Api) -> None:
    """SPEC ID-2: GB 11643 check digit."""
    number = wrong_check_digit(citizen_number(date(1990, 1, 15)))
    r = await refused_and_nothing_stored(
        api, api.register(document={"type": "resident_id", "number": number})
    )
    assert_problem(r, 422, "invalid_document_number", "ID-2", "document.number")
    assert number not in r.text  # ID-6: the number is masked even in the refusal


async def test_impossible_birth_date_refused(api: Api) -> None:
    """SPEC ID-2: a valid birth date (30 February does not exist)."""
    number = with_check_digit("320499" + "19900230" + "123")
    r = await refused_and_nothing_stored(
        api, api.register(document={"type": "resident_id", "number": number})
    )
    assert_problem(r, 422, "invalid_document_number", "ID-2", "document.number")


async def test_household_register_refused_at_16(api: Api) -> None:
    """SPEC ID-1: the household register only for persons under 16."""
    number = citizen_number(date(2010, 11, 23))  # 16 today
    r = await refused_and_nothing_stored(
        api, api.register(document={"type": "household_register", "number": number})
    )
    assert r.json()["code"] == "household_register_not_allowed"
    assert r.json()["rule"] == "ID-1"


async def test_household_register_accepted_under_16(api: Api) -> None:
    """SPEC ID-1: a 15-year-old with a household register is registered."""
    number = citizen_number(date(2010, 11, 24))  # 16 tomorrow
    r = await api.register(document={"type": "household_register", "number": number})
    assert r.status_code == 201, r.text


async def test_passport_for_mainland_citizen_refused(api: Api) -> None:
    """SPEC ID-1: passports are for foreigners only."""
    r = await refused_and_nothing_stored(
        api,
        api.register(
            document={"type": "passport", "number": "E12345678"},
            category="mainland",
            birth_date="1990-01-01",
        ),
    )
    assert r.json()["code"] == "passport_not_for_citizens"
    assert r.json()["rule"] == "ID-1"
    assert r.json()["field"] == "document.type"


async def test_residence_permit_holder_registered_and_applies(api: Api) -> None:
    """SPEC §17, ID-1: a Hong Kong resident's residence permit (810000 + GB 11643) passes."""
    number = citizen_number(date(1985, 6, 1), area="810000")
    person = await api.person(
        "clerk_instant",
        document={"type": "hmt_residence_permit", "number": number},
        category="hong_kong",
        nationality="CHN",
    )
    r = await api.submit(person["person_id"], "clerk_instant")
    assert r.status_code == 201, r.text


async def test_2023_permanent_residence_card_holder_registered(api: Api) -> None:
    """SPEC §17: the 2023 foreigner's permanent residence card: 18 digits starting with 9."""
    number = with_check_digit("932499" + "19800704" + "005")
    r = await api.register(
        document={"type": "foreign_permanent_residence", "number": number},
        category="foreign",
        nationality="DEU",
    )
    assert r.status_code == 201, r.text
    assert r.json()["category"] == "foreign"


async def test_passport_holder_gets_an_assigned_social_security_number(api: Api) -> None:
    """SPEC ID-1: a foreigner with a passport; the birth date comes from the form."""
    r = await api.register(
        document={"type": "passport", "number": "X98765432"},
        category="foreign",
        nationality="FRA",
        birth_date="1979-05-05",
    )
    assert r.status_code == 201, r.text
    assert r.json()["social_security_number"].startswith("W32040*")


async def test_a_passport_registered_to_another_is_refused(api: Api) -> None:
    """SPEC ID-1: one document, one holder; a second foreigner with the same passport number
    (a new social security number would be assigned) is refused on the document."""
    doc = {"type": "passport", "number": "X55555555"}
    body = {"document": doc, "category": "foreign", "nationality": "FRA"}
    assert (await api.register(**body, birth_date="1979-05-05")).status_code == 201
    r = await refused_and_nothing_stored(api, api.register(**body, birth_date="1981-02-02"))
    assert_problem(r, 409, "document_already_registered", "ID-1", "document.number")


async def test_same_person_twice_refused(api: Api) -> None:
    """SPEC ID-3: one registry entry per person."""
    number = citizen_number(date(1977, 7, 7))
    doc = {"type": "resident_id", "number": number}
    assert (await api.register(document=doc)).status_code == 201
    r = await refused_and_nothing_stored(api, api.register(document=doc))
    assert_problem(r, 409, "person_already_registered", "ID-3", "document.number")


async def test_expired_document_refused(api: Api) -> None:
    """SPEC ID-1: each document only within its validity period."""
    number = citizen_number(date(1980, 1, 1))
    doc = {"type": "resident_id", "number": number, "valid_until": "2026-11-22"}
    r = await refused_and_nothing_stored(api, api.register(document=doc))
    assert r.json()["code"] == "document_expired"
    assert r.json()["field"] == "document.valid_until"


async def test_missing_field_is_a_bilingual_problem(api: Api) -> None:
    body = api.person_body()
    del body["city_code"]
    r = await api.post("/api/v1/persons", "clerk_instant", body)
    assert_problem(r, 422, "invalid_input", None, "city_code")
    assert "必填" in r.json()["detail_zh"]


async def test_english_detail_on_request(api: Api) -> None:
    number = wrong_check_digit(citizen_number(date(1990, 1, 15)))
    r = await api.post(
        "/api/v1/persons",
        "clerk_instant",
        api.person_body(document={"type": "resident_id", "number": number}),
        headers={"Accept-Language": "en-GB,en;q=0.9"},
    )
    assert r.json()["detail"] == r.json()["detail_en"]


# ---- refusals when applying ----


async def test_photo_required_from_age_7(api: Api) -> None:
    """SPEC APP-5: no photo at 7 or older, no application."""
    birth = date(2019, 11, 23)  # 7 today
    person = await api.person(
        "clerk_instant",
        photo=False,
        birth=birth,
        document={"type": "household_register", "number": citizen_number(birth)},
    )
    guardian = {
        "role": "guardian",
        "relationship": "parent",
        "name": "李监护",
        "document": {"type": "resident_id", "number": citizen_number(date(1990, 2, 2))},
        "proof": "birth_certificate",
    }
    r = await refused_and_nothing_stored(
        api, api.submit(person["person_id"], "clerk_instant", representative=guardian)
    )
    assert_problem(r, 422, "photo_required", "APP-5", "photo")


async def test_substandard_photo_refused_with_reasons(api: Api) -> None:
    """SPEC APP-5: a photo that fails the standard is refused with every reason."""
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (200, 200), (200, 30, 30)).save(buf, "PNG")
    person = await api.person("clerk_instant", photo=False)
    before = await api.counts()

    r = await api.call(
        "PUT",
        f"/api/v1/persons/{person['person_id']}/photo",
        "clerk_instant",
        content=buf.getvalue(),
        headers={"Content-Type": "image/jpeg"},
    )

    assert_problem(r, 422, "photo_rejected", "APP-5", "photo")
    codes = {d["code"] for d in r.json()["defects"]}
    assert {"not_jpeg", "wrong_dimensions", "background_wrong_colour"} <= codes
    assert await api.counts() == before


async def test_child_under_7_applies_without_photo_through_guardian(api: Api) -> None:
    """SPEC APP-5 (photo from 7), ID-4 (a guardian for a minor)."""
    child = await api.person(
        "clerk_instant",
        photo=False,
        birth=date(2021, 5, 5),
        document={"type": "household_register", "number": citizen_number(date(2021, 5, 5))},
    )
    guardian = {
        "role": "guardian",
        "relationship": "parent",
        "name": "李监护",
        "document": {"type": "resident_id", "number": citizen_number(date(1990, 2, 2))},
        "proof": "household_register",
    }
    r = await api.submit(child["person_id"], "clerk_instant", representative=guardian)
    assert r.status_code == 201, r.text
    assert r.json()["representative"]["role"] == "guardian"
    assert r.json()["representative"]["name"] == "李**"


async def test_minor_without_guardian_refused(api: Api) -> None:
    """SPEC ID-4: minors apply through a legal guardian."""
    child = await api.person("clerk_instant", birth=date(2012, 1, 1))
    r = await refused_and_nothing_stored(api, api.submit(child["person_id"], "clerk_instant"))
    assert_problem(r, 422, "guardian_required", "ID-4", "representative")


async def test_nantong_minor_agent_must_be_direct_relative(api: Api) -> None:
    """SPEC ID-4: Nantong limits a minor's agent to a direct relative."""
    child = await api.person("clerk_nantong", birth=date(2012, 1, 1), city_code="3206")
    agent = {
        "role": "agent",
        "relationship": "neighbour",
        "name": "张邻居",
        "document": {"type": "resident_id", "number": citizen_number(date(1970, 3, 3))},
    }
    r = await refused_and_nothing_stored(
        api, api.submit(child["person_id"], "clerk_nantong", representative=agent, bank="NTRCB")
    )
    assert_problem(r, 422, "agent_not_allowed", "ID-4", "representative.relationship")
    agent["relationship"] = "grandparent"
    ok = await api.submit(child["person_id"], "clerk_nantong", representative=agent, bank="NTRCB")
    assert ok.status_code == 201, ok.text


async def test_suzhou_agent_only_for_supported_cases(api: Api) -> None:
    """SPEC ID-4: Suzhou allows an agent for elderly, disabled and similar persons."""
    adult = await api.person("clerk_suzhou", city_code="3205")
    agent = {
        "role": "agent",
        "relationship": "friend",
        "name": "周代办",
        "document": {"type": "resident_id", "number": citizen_number(date(1970, 3, 3))},
    }
    r = await refused_and_nothing_stored(
        api, api.submit(adult["person_id"], "clerk_suzhou", representative=agent)
    )
    assert r.json()["code"] == "agent_not_allowed"
    ok = await api.submit(
        adult["person_id"], "clerk_suzhou", representative={**agent, "proof": "disabled"}
    )
    assert ok.status_code == 201, ok.text


async def test_changzhou_anyone_may_send_an_agent(api: Api) -> None:
    """SPEC ID-4: anyone may send an agent in Changzhou."""
    adult = await api.person("clerk_fast")
    agent = {
        "role": "agent",
        "relationship": "colleague",
        "name": "吴同事",
        "document": {"type": "resident_id", "number": citizen_number(date(1970, 3, 3))},
    }
    r = await api.submit(adult["person_id"], "clerk_fast", representative=agent)
    assert r.status_code == 201, r.text


async def test_bank_not_on_city_list_refused(api: Api) -> None:
    """SPEC APP-6: the bank must be on the city's list (NTRCB serves Nantong, not Changzhou)."""
    person = await api.person("clerk_instant")
    r = await refused_and_nothing_stored(
        api, api.submit(person["person_id"], "clerk_instant", bank="NTRCB")
    )
    assert_problem(r, 422, "bank_not_cooperating", "APP-6", "bank_code")


async def test_second_application_with_live_card_refused(api: Api) -> None:
    """SPEC ID-3: one card per person; the refusal points to replacement or exchange."""
    app = await api.applied("clerk_instant")
    r = await refused_and_nothing_stored(api, api.submit(app["person_id"], "clerk_instant"))
    assert_problem(r, 409, "live_card_exists", "ID-3", "person_id")
    assert "补卡或换卡" in r.json()["detail_zh"]
    assert "replacement or an exchange" in r.json()["detail_en"]


async def test_second_application_while_one_is_open_refused(api: Api) -> None:
    """SPEC ID-3: no second application while the first is in progress."""
    app = await api.applied("clerk_fast")
    r = await refused_and_nothing_stored(api, api.submit(app["person_id"], "clerk_fast"))
    assert_problem(r, 409, "application_in_progress", "ID-3", "person_id")


@pytest.mark.parametrize("who", ["hotline", "bank_icbc", "admin"])
async def test_only_outlet_clerks_submit_at_the_counter(api: Api, who: str) -> None:
    """SPEC CH-1: the role decides the operation."""
    person = await api.person("clerk_instant")
    r = await refused_and_nothing_stored(api, api.submit(person["person_id"], who))
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    assert r.json()["rule"] == "CH-1"


async def test_outlet_that_does_not_offer_applications_refuses(api: Api) -> None:
    """SPEC GOV-1: a transport outlet does not take card applications."""
    person = await api.person("clerk_instant")
    r = await refused_and_nothing_stored(api, api.submit(person["person_id"], "clerk_transport"))
    assert r.status_code == 403
    assert r.json()["code"] == "outlet_does_not_offer"
    assert r.json()["rule"] == "GOV-1"


async def test_bank_outlet_issues_its_own_bank_only(api: Api) -> None:
    """SPEC APP-6: a bank outlet makes its own bank's card (Nanjing ICBC outlet, blue photo)."""
    person = await api.person("clerk_nanjing_bank", city_code="3201")
    r = await refused_and_nothing_stored(
        api, api.submit(person["person_id"], "clerk_nanjing_bank", bank="CCB")
    )
    assert r.json()["code"] == "bank_outlet_own_bank_only"
    ok = await api.submit(person["person_id"], "clerk_nanjing_bank", bank="ICBC")
    assert ok.status_code == 201, ok.text
    assert ok.json()["status"] == "ready_for_collection"


async def test_no_token_is_unauthenticated(api: Api) -> None:
    r = await api.client.get("/api/v1/applications")
    assert_problem(r, 401, "unauthenticated", "CH-2", None)  # type: ignore[arg-type]


async def test_two_counters_at_once_make_one_application(api: Api) -> None:
    """SPEC ID-3: two outlets submitting for the same person at the same moment: one wins."""
    import asyncio

    person = await api.person("clerk_fast")
    await api.present(person["person_id"], "clerk_other")  # at both counters the same morning
    results = await asyncio.gather(
        api.submit(person["person_id"], "clerk_fast"),
        api.submit(person["person_id"], "clerk_other"),
        api.submit(person["person_id"], "clerk_fast"),
    )
    assert sorted(r.status_code for r in results) == [201, 409, 409]
    assert {r.json()["code"] for r in results if r.status_code == 409} == {
        "application_in_progress"
    }
    assert await api.count("applications") == 1
