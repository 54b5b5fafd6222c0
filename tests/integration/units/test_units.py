"""Units registered at an outlet and their agents (issue 13 item 5; SPEC APP-3, ID-2, CH-1)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sscard.kernel.actor import Role
from tests.integration.units.conftest import CLERK, agent_token, credit_code, register_unit
from tests.support.api import Api
from tests.support.numbers import citizen_number


def _agent_body(username: str = "unit.agent1") -> dict[str, Any]:
    return {
        "name": "王经办",
        "document": {"type": "resident_id", "number": citizen_number(date(1980, 5, 5))},
        "phone": "１３９００００１２３４",
        "username": username,
    }


async def test_a_clerk_registers_a_unit_with_a_valid_credit_code(api: Api) -> None:
    """SPEC APP-3: the unit's city and outlet are the clerk's; the code is normalised."""
    code = credit_code(7)
    r = await register_unit(api, code.lower())
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["credit_code"], body["city_code"], body["outlet_code"]) == (
        code,
        "3204",
        "3204-HR-002",
    )
    assert (body["kind"], body["basis"], body["agents"]) == (
        "enterprise",
        "credit_code_certificate",
        [],
    )
    again = await register_unit(api, code, "clerk_other")
    assert (again.status_code, again.json()["code"]) == (409, "unit_already_registered")


async def test_a_credit_code_with_a_wrong_check_character_is_refused_and_nothing_stored(
    api: Api,
) -> None:
    """SPEC ID-2: the GB 32100 check; the refusal names the field."""
    code = credit_code(8)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    r = await register_unit(api, wrong)
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["field"]) == ("invalid_credit_code", "credit_code")
    assert await api.count("units") == 0


async def test_a_letter_of_authorisation_needs_its_reference(api: Api) -> None:
    """SPEC APP-3: a unit may be registered on a letter of authorisation, with its number."""
    code = credit_code(9)
    r = await register_unit(api, code, basis="authorisation_letter")
    assert (r.status_code, r.json()["code"]) == (422, "letter_reference_required")
    r = await register_unit(
        api, code, basis="authorisation_letter", letter_reference="常人社委〔2026〕12号"
    )
    assert r.status_code == 201, r.text
    assert r.json()["letter_reference"] == "常人社委〔2026〕12号"


async def test_the_named_agent_gets_a_console_account_shown_once(api: Api) -> None:
    """SPEC APP-3, ID-6: the agent is stored sealed and shown masked; the initial password is
    given once, the account is of role unit_agent bound to the unit."""
    code = credit_code(10)
    assert (await register_unit(api, code)).status_code == 201
    r = await api.post(f"/api/v1/units/{code}/agents", CLERK, _agent_body())
    assert r.status_code == 201, r.text
    agent = r.json()
    assert agent["name"] == "王**"
    assert "*" in agent["document_number"]
    assert agent["phone"] == "139****1234"
    assert len(agent["initial_password"]) >= 12
    staff = (await api.get("/api/v1/staff-accounts", "admin")).json()
    [account] = [a for a in staff if a["username"] == "unit.agent1"]
    assert account["role"] == Role.UNIT_AGENT.value
    assert account["must_change_password"]
    view = (await api.get(f"/api/v1/units/{code}", CLERK)).json()
    assert "initial_password" not in view["agents"][0]
    taken = await api.post(f"/api/v1/units/{code}/agents", CLERK, _agent_body())
    assert (taken.status_code, taken.json()["code"]) == (409, "username_taken")


async def test_an_ended_agent_signs_in_no_more(api: Api) -> None:
    """SPEC APP-3: an agent who left is ended; the record stays, the account is closed."""
    code = credit_code(11)
    assert (await register_unit(api, code)).status_code == 201
    agent = (await api.post(f"/api/v1/units/{code}/agents", CLERK, _agent_body("leaver"))).json()
    r = await api.post(f"/api/v1/units/{code}/agents/{agent['id']}/end", CLERK)
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False
    staff = (await api.get("/api/v1/staff-accounts", "admin")).json()
    [account] = [a for a in staff if a["username"] == "leaver"]
    assert account["active"] is False
    again = await api.post(f"/api/v1/units/{code}/agents/{agent['id']}/end", CLERK)
    assert (again.status_code, again.json()["code"]) == (409, "agent_already_ended")


async def test_who_sees_a_unit(api: Api, unit: dict[str, Any]) -> None:
    """SPEC CH-1: the registering outlet's clerks, the city's centre, the province and the
    unit's own agents see it; another outlet, another city and another unit's agent do not."""
    code = unit["code"]
    other = credit_code(12)
    assert (await register_unit(api, other, "clerk_instant")).status_code == 201
    await agent_token(api, other, "other_unit")
    seen = {}
    for who in (CLERK, "clerk_instant", "admin", "admin_suzhou", "unit", "other_unit"):
        seen[who] = (await api.get(f"/api/v1/units/{code}", who)).status_code
    assert seen == {
        CLERK: 200,
        "clerk_instant": 404,
        "admin": 200,
        "admin_suzhou": 404,
        "unit": 200,
        "other_unit": 404,
    }
    listed = (await api.get("/api/v1/units", CLERK)).json()["items"]
    assert [u["credit_code"] for u in listed] == [code]


async def test_a_clerk_of_an_outlet_that_takes_no_applications_cannot_register(
    api: Api,
) -> None:
    """SPEC GOV-1: registering a unit is offered where the outlet takes applications."""
    r = await register_unit(api, credit_code(13), "clerk_transport")
    assert r.status_code == 403
    assert r.json()["code"] in ("outlet_does_not_offer", "forbidden")


NO_UNIT = "/api/v1/units/91320400MA1W2X3Y5N"
NO_BATCH = "/api/v1/unit-batches/PC32042026112399999999"
AGENT_BODY = {
    "name": "王经办",
    "document": {"type": "resident_id", "number": "110101199003070011"},
    "phone": "13900001234",
    "username": "nobody.agent",
}


@pytest.mark.parametrize(
    ("method", "path", "who", "body", "field"),
    [
        ("GET", NO_UNIT, "admin", None, "credit_code"),
        ("GET", f"{NO_UNIT}/batches", "admin", None, "credit_code"),
        ("POST", f"{NO_UNIT}/agents", CLERK, AGENT_BODY, "credit_code"),
        ("POST", f"{NO_UNIT}/agents/1/end", CLERK, None, "credit_code"),
        ("GET", NO_BATCH, "admin", None, "reference"),
        ("GET", f"{NO_BATCH}/rows", "admin", None, "reference"),
        ("GET", f"{NO_BATCH}/result.xlsx", "admin", None, "reference"),
    ],
)
async def test_an_unknown_unit_or_batch_is_not_found_and_nothing_changes(
    api: Api, method: str, path: str, who: str, body: Any, field: str
) -> None:
    """Issue 11's rule for the unit channel: the missing resource answers, naming its field."""
    before = await api.counts()
    r = await api.call(method, path, who, body)
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (404, "not_found", field)
    assert await api.counts() == before
