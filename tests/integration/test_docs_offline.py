"""The API documentation works offline (issue 11): /docs and /redoc of sscard and of the bank
simulator name no asset outside the service (no CDN, no web font), and every asset they name
is served."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from bank_simulator.app import create_app as create_simulator
from sscard.app import create_app as create_sscard

# Nothing here differs by database: it runs once, on SQLite (Makefile, test-postgres).
pytestmark = pytest.mark.any_database


BASE = "http://service.test"
# Every URL a page makes the browser load: src= and href= attributes, CSS url(), and the
# `url:` Swagger UI is configured with (the OpenAPI document).
ASSET = re.compile(
    r"""(?:src|href|spec-url)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)|url:\s*'([^']+)'"""
)
ANY_URL = re.compile(r"https?://[^\s\"'<>)]+")
APPS: dict[str, Callable[[], FastAPI]] = {"sscard": create_sscard, "simulator": create_simulator}


def assets(html: str) -> list[str]:
    return [next(g for g in m.groups() if g) for m in ASSET.finditer(html)]


@pytest.mark.parametrize(
    ("app", "page"), [("sscard", "/docs"), ("sscard", "/redoc"), ("simulator", "/docs")]
)
async def test_documentation_pages_load_nothing_from_outside(app: str, page: str) -> None:
    transport = httpx.ASGITransport(app=APPS[app]())
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        r = await client.get(page)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/html")
        outside = [u for u in ANY_URL.findall(r.text) if not u.startswith(BASE)]
        assert outside == [], outside
        named = assets(r.text)
        assert any(u.endswith(".js") for u in named), named
        for url in named:
            target = urljoin(BASE + page, url)
            assert urlsplit(target).netloc == urlsplit(BASE).netloc, url
            served = await client.get(target)
            assert served.status_code == 200, (url, served.status_code)
