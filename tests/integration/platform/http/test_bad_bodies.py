"""A body that is not JSON is refused on every route that takes one, naming `body` (not a
character position), in both languages, and changes nothing."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from sscard.app import create_app
from sscard.registry.photo import make_standard_photo
from tests.support.api import Api

# Nothing here differs by database: it runs once, on SQLite (Makefile, test-postgres).
pytestmark = pytest.mark.any_database


def _json_routes() -> list[tuple[str, str]]:
    paths = create_app().openapi()["paths"]
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, methods in paths.items()
        for method, op in methods.items()
        if "application/json" in (op.get("requestBody") or {}).get("content", {})
    ]


ROUTES = _json_routes()


def test_there_are_routes_to_try() -> None:
    assert len(ROUTES) > 20


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
async def test_a_body_that_is_not_json_names_the_body(api: Api, method: str, path: str) -> None:
    before = await api.counts()
    r = await api.call(
        method,
        path,
        "admin",
        content=b'{"name": "x",',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code in (401, 403, 422), r.text  # a bank report is checked signed first
    problem = r.json()
    if r.status_code == 422:
        assert problem["field"] == "body", problem
        assert problem["detail_zh"]
        assert problem["detail_en"]
    assert await api.counts() == before


BODY_ROUTES = [
    (method.upper(), re.sub(r"\{[^}]+\}", "1", path), tuple(op["requestBody"]["content"]))
    for path, methods in create_app().openapi()["paths"].items()
    for method, op in methods.items()
    if op.get("requestBody")
]


@pytest.mark.parametrize(
    ("method", "path", "media"), BODY_ROUTES, ids=[f"{m} {p}" for m, p, _ in BODY_ROUTES]
)
@pytest.mark.parametrize(
    "wrong",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml", None],
)
async def test_a_body_of_a_type_the_operation_does_not_take_is_415(
    api: Api, method: str, path: str, media: tuple[str, ...], wrong: str | None
) -> None:
    """Issue 11: text, form, XML (and a photo sent as JSON) are not 'a body that is not an
    object' but the wrong media type, refused before the body is read."""
    before = await api.counts()
    headers = {"Content-Type": wrong} if wrong else {}
    r = await api.call(method, path, "admin", content=b"<a>1</a>", headers=headers)
    assert r.status_code == 415, r.text
    assert (r.json()["code"], r.json()["field"]) == ("unsupported_media_type", "Content-Type")
    assert " / ".join(media) in r.json()["detail_en"]
    assert await api.counts() == before


async def test_a_photo_sent_as_json_is_415(api: Api) -> None:
    person = await api.person("clerk_instant", photo=False)
    r = await api.call(
        "PUT",
        f"/api/v1/persons/{person['person_id']}/photo",
        "clerk_instant",
        content=make_standard_photo(1),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 415, r.text


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_a_body_over_the_limit_is_413_unread(api: Api, chunked: bool) -> None:
    """Issue 11: ten megabytes of JSON are refused from Content-Length (or, chunked, as soon as
    the limit is passed), not parsed whole."""
    big = b'{"name": "' + b"x" * 10_000_000 + b'"}'
    content: Any = big
    if chunked:

        async def pieces() -> AsyncIterator[bytes]:
            for i in range(0, len(big), 65_536):
                yield big[i : i + 65_536]

        content = pieces()
    before = await api.counts()
    r = await api.call(
        "POST",
        "/api/v1/persons",
        "clerk_instant",
        content=content,
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 413, r.text
    assert r.json()["code"] == "body_too_large"
    assert "262144" in r.json()["detail_zh"]
    assert await api.counts() == before


async def test_a_photo_has_its_own_limit(api: Api) -> None:
    person = await api.person("clerk_instant", photo=False)
    r = await api.call(
        "PUT",
        f"/api/v1/persons/{person['person_id']}/photo",
        "clerk_instant",
        content=b"\xff\xd8" + b"\0" * 1_000_000,
        headers={"Content-Type": "image/jpeg"},
    )
    assert r.status_code == 413, r.text
    assert "1000000" in r.json()["detail_en"]


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        (True, "Input should be a valid integer"),
        ("25", "Input should be a valid integer"),
        (1.5, "Input should be a valid integer"),
        (None, "Input should be a valid integer"),
    ],
    ids=["boolean", "string", "float", "null"],
)
async def test_request_models_are_strict(api: Api, given: Any, reason: str) -> None:
    """Issue 11: `"person_id": true` was person 1 and `"25"` was 25."""
    person = await api.person("clerk_instant")
    assert person["person_id"] == 1
    r = await api.post(
        "/api/v1/applications", "clerk_instant", {"person_id": given, "bank_code": "ICBC"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "person_id"
    assert r.json()["errors"][0]["reason_en"].startswith(reason)
    assert await api.count("applications") == 0


@pytest.mark.parametrize("nested", [False, True], ids=["top", "nested"])
async def test_a_key_given_twice_is_refused_by_name_and_nothing_is_stored(
    api: Api, nested: bool
) -> None:
    """Found by the attacker session: {"name": "测试人", "name": "李四"} was person 李四 (201)."""
    body = json.dumps(Api.person_body(), ensure_ascii=False)
    if nested:  # inside the document object
        twice = body.replace('"type": "resident_id"', '"type": "resident_id", "type": "passport"')
    else:
        twice = body.replace('{"name": ', '{"name": "李四", "name": ', 1)
    assert twice != body
    r = await api.client.post(
        "/api/v1/persons",
        content=twice.encode(),
        headers={
            "Authorization": f"Bearer {api.tokens['clerk_instant']}",
            "Content-Type": "application/json",
        },
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == ("type" if nested else "name")
    assert "同一字段提交了多次" in r.json()["detail_zh"]
    assert await api.count("persons") == 0


async def test_a_boolean_is_a_boolean(api: Api) -> None:
    body = Api.person_body(full_civil_capacity="yes")
    r = await api.post("/api/v1/persons", "clerk_instant", body)
    assert (r.status_code, r.json()["field"]) == (422, "full_civil_capacity"), r.text


@pytest.mark.parametrize(
    "query", ["card_number=%00", "status=a%07b", "recipient=%E2%80%AE"], ids=["NUL", "BEL", "RLO"]
)
async def test_a_query_parameter_holding_control_characters_is_refused(
    api: Api, query: str
) -> None:
    """Issue 11 (schemathesis found it): a NUL in a text filter reached PostgreSQL, a 500."""
    r = await api.get(f"/api/v1/outbox?{query}", "admin")
    assert r.status_code == 422, r.text
    assert r.json()["field"] == query.split("=")[0]


async def test_a_required_outlet_field_is_not_set_to_null(api: Api) -> None:
    """Issue 11 (schemathesis found it): {"making": null} was an IntegrityError, a 500."""
    r = await api.call("PATCH", "/api/v1/outlets/3204-HR-001", "admin", {"making": None})
    assert (r.status_code, r.json()["field"]) == (422, "making"), r.text
    r = await api.call("PATCH", "/api/v1/outlets/3204-HR-001", "admin", {"phone": None})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("phone", ["１３９００", "٣٣٣٣٣", "+86 25 1234", "1" * 33])
async def test_an_outlet_phone_is_ascii_digits_and_hyphens(api: Api, phone: str) -> None:
    r = await api.call("PATCH", "/api/v1/outlets/3204-HR-001", "admin", {"phone": phone})
    assert (r.status_code, r.json()["field"]) == (422, "phone"), r.text
