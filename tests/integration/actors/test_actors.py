"""Actors and their tokens: created by the administrator, bound to an organisation, switched
off at once (SPEC CH-1)."""

from __future__ import annotations

import pytest

from tests.support.api import Api


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


@pytest.mark.parametrize(
    ("authorization", "challenge"),
    [
        (None, 'Bearer realm="sscard"'),
        ("Bearer sk_nobody", 'Bearer realm="sscard", error="invalid_token"'),
        ("Basic dXNlcjpwYXNz", 'Bearer realm="sscard", error="invalid_token"'),
    ],
    ids=["no-token", "unknown-token", "basic"],
)
async def test_a_401_says_how_to_authenticate(
    api: Api, authorization: str | None, challenge: str
) -> None:
    """Issue 11 (RFC 9110 §11.6.1, RFC 6750 §3): every 401 carries WWW-Authenticate."""
    headers = {"Authorization": authorization} if authorization else {}
    r = await api.client.get("/api/v1/me", headers=headers)
    assert r.status_code == 401, r.text
    assert r.headers["WWW-Authenticate"] == challenge


async def test_a_display_name_holds_no_control_character(api: Api) -> None:
    """Issue 11 (found by attack): `token create --name $'a\\x01b'` stored it; the CLI and the
    API share the service's check."""
    body = {"role": "hotline_agent", "display_name": "a\u0001b"}
    r = await api.post("/api/v1/actors", "admin", body)
    assert (r.status_code, r.json()["field"]) == (422, "display_name")
