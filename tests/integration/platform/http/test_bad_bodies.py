"""A body that is not JSON is refused on every route that takes one, naming `body` (not a
character position), in both languages, and changes nothing."""

from __future__ import annotations

import re

import pytest

from sscard.app import create_app
from tests.support.api import Api


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
