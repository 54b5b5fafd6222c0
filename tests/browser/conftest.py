"""Browser fixtures: the service served for real on a free port, and Debian's Chromium.

The database, clock and API helpers are the integration tests' own (a fresh SQLite file, the
clock at Monday 2026-11-23 10:00 Beijing time). Browser journeys run on SQLite only; the same use
cases run on PostgreSQL through the API tests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, async_playwright

from tests.integration.conftest import api, app, clock, rt, tokens  # noqa: F401 - shared fixtures
from tests.support.console import CHROMIUM, CHROMIUM_ARGS, OUTSIDE, chromium_available
from tests.support.serving import serving


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not chromium_available():
        pytest.fail(f"no Chromium at {CHROMIUM}: run tools/browser/install.sh (make test does)")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture(scope="session")
async def base(app: FastAPI) -> AsyncIterator[str]:  # noqa: F811 - the shared app
    """The service's base URL (127.0.0.1, a free port): the tests' one application."""
    async with serving(app) as url:
        yield url


@pytest.fixture(autouse=True)
def nothing_from_outside() -> Iterator[None]:
    """No page of a journey asked anything of a host other than the service (issue 12)."""
    OUTSIDE.clear()
    yield
    assert OUTSIDE == [], "a page loaded something from outside the service"
