"""The OpenAPI document tells the truth (issue 11): schemathesis calls every operation of the
service's own document, with generated valid and invalid requests, as every role, and each answer
must be no 5xx, a declared status, a declared content type and a body matching its schema.

The requests go through the suite's in-process app on the session's event loop (SQLite, or
PostgreSQL with SSCARD_TEST_DATABASE_URL), each operation starting from fresh reference data with
one person holding a collected card, whose numbers the generated requests sometimes use so that
they reach past "not found".
"""

from __future__ import annotations

import asyncio
import copy
import zlib
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sscard.app import create_app
from tests.support.api import Api

# Nothing here differs by database: it runs once, on SQLite (Makefile, test-postgres).
pytestmark = pytest.mark.any_database


BASE = "http://sscard.test"
SPEC = create_app().openapi()
schema = schemathesis.openapi.from_dict(copy.deepcopy(SPEC))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# One token of each role (the suite's actors plus a cardholder and a unit agent).
ROLES = (
    "admin", "admin_suzhou", "auditor", "clerk_instant", "hotline", "bank_icbc", "cardholder",
    "unit_agent",
)  # fmt: skip

# Operations that still answer some valid request with a 500 whose cause lies in business code
# (registry, applications, cards, actors), fixed apart: for these only, a 500 does not fail the
# test; their status codes, content types and bodies are still checked. Shrink it as they are
# fixed. operation id -> a request that fails.
KNOWN_5XX: dict[str, str] = {}  # none left; a new one is listed here with its request


@pytest.fixture
async def loop() -> asyncio.AbstractEventLoop:
    """The session's event loop, on which the runtime's connections live."""
    return asyncio.get_running_loop()


@pytest.fixture
async def seeded(api: Api) -> dict[str, Any]:
    """One person with a collected card, a cardholder token and a unit agent's token."""
    card = await api.card()
    await api.cardholder(card["person_id"])
    api.tokens["cardholder"] = api.tokens[f"cardholder:{card['person_id']}"]
    body = {"role": "unit_agent", "display_name": "单位经办", "unit_code": "91320400MA1W2X3Y4K"}
    r = await api.post("/api/v1/actors", "admin", body)
    assert r.status_code == 201, r.text
    api.tokens["unit_agent"] = r.json()["token"]
    return {
        "card_number": card["card_number"],
        "person_id": card["person_id"],
        "reference": card["reference"],
        "bank_code": "ICBC",
        "bank": "ICBC",
        "recipient": "ICBC",
        "city_code": "3204",
        "code": "3204-HR-001",
    }


def _request(case: Case, token: str) -> dict[str, Any]:
    kwargs = case.as_transport_kwargs(base_url=BASE, headers={"Authorization": f"Bearer {token}"})
    request = {
        "method": kwargs["method"],
        "url": kwargs["url"],
        "headers": kwargs.get("headers"),
        "params": kwargs.get("params"),
    }
    if "json" in kwargs:
        request["json"] = kwargs["json"]
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        request["content"] = data.encode() if isinstance(data, str) else data
    return request


def _pick(case: Case, n: int) -> int:
    """A number below n drawn from the case's generated values: the same case, the same pick."""
    seen = (case.path_parameters, case.query, case.body)
    return zlib.crc32(repr(seen).encode()) % n


def _use_seeded(case: Case, seeded: dict[str, Any]) -> None:
    """For about half the cases, address the seeded person, card or application instead of a
    random one (chosen from the generated values, so a case shrinks to itself)."""
    params = case.path_parameters
    if params and _pick(case, 2):
        for name in params:
            if name in seeded:
                params[name] = seeded[name]


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(
    case: Case,
    loop: asyncio.AbstractEventLoop,
    api: Api,
    seeded: dict[str, Any],
) -> None:
    known_5xx = case.operation.definition.raw.get("operationId") in KNOWN_5XX
    checks = [c for c in CHECKS if not (known_5xx and c is not_a_server_error)]
    _use_seeded(case, seeded)
    # Every case as the administrator, who reaches furthest, and as one other role in turn.
    other = ROLES[1 + _pick(case, len(ROLES) - 1)]
    for role in ("admin", other):
        request = _request(case, api.tokens[role])
        response = loop.run_until_complete(api.client.request(**request))
        try:
            case.validate_response(response, checks=checks)
        except Exception as failure:
            failure.add_note(f"as {role}: {request}")
            raise


def _resolved(part: dict[str, Any]) -> dict[str, Any]:
    ref = part.get("$ref")
    if ref is None:
        return part
    found: dict[str, Any] = SPEC["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return found


async def test_a_nul_in_a_path_parameter_is_never_a_server_error(
    api: Api, seeded: dict[str, Any]
) -> None:
    """Every read whose path holds text, given a NUL in it (schemathesis rarely makes one)."""
    for path, item in SPEC["paths"].items():
        operation = item.get("get", {})
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        if not names:
            continue
        values = {n: str(seeded.get(n, 1)) for n in names}
        texts = [n for n in names if not values[n].isdigit()]
        if not texts:
            continue
        values[texts[0]] += "\x00"
        url = path.format(**{n: quote(v, safe="") for n, v in values.items()})
        query = {  # required query parameters given, so the path is what is at fault
            p["name"]: (_resolved(p["schema"]).get("enum") or ["1"])[0]
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p.get("required")
        }
        r = await api.get(url, "admin", params=query)
        assert r.status_code == 422, (url, r.text)  # the route guard names the parameter
        assert r.json()["field"] == texts[0], (url, r.text)
        assert r.headers["content-type"] == "application/problem+json", (url, r.text)
