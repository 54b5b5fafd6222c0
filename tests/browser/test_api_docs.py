"""The API's documentation pages in the browser ask nothing of any other host (issue 12).

ReDoc's bundle draws Redocly's logo from cdn.redoc.ly whatever its options; the page's policy
allows images from the service only, so the browser never sends that request (found by the
attacker session). The autouse `nothing_from_outside` check of conftest.py fails the test
if any request leaves the service.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.support.console import new_page


@pytest.mark.parametrize(("page_path", "heading"), [("/docs", "sscard"), ("/redoc", "sscard")])
async def test_the_api_documentation_renders_with_nothing_from_outside(
    browser: Browser, base: str, page_path: str, heading: str
) -> None:
    page = await new_page(browser)
    await page.goto(base + page_path)
    await expect(page.get_by_role("heading", level=1).first).to_contain_text(heading)
    await page.wait_for_load_state("networkidle")
    await page.context.close()
