"""Every checkbox group of the console's forms lays each box before its label on one line, in
both languages (the payer's kinds floated mid-page with their labels on lines below)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.console import make_staff, new_page, sign_in

PAGES = ("/centre/payments", "/centre/delta", "/centre/lists", "/centre/reference")


async def _misplaced(page: Page) -> list[str]:
    """Each checkbox whose label is not one line beside it: the box's centre off the label
    text's line, or the box away from the label's left edge."""
    found: list[str] = await page.evaluate(
        """() => [...document.querySelectorAll('label > input[type=checkbox]')]
        .filter(box => box.offsetParent !== null)
        .flatMap(box => {
          const b = box.getBoundingClientRect(), l = box.parentElement.getBoundingClientRect();
          const off = Math.abs((b.top + b.bottom) / 2 - (l.top + l.bottom) / 2) > 6
            || b.left - l.left > 4 || l.height > 48 || b.width > 40;
          return off ? [`${box.name}=${box.value}`] : [];
        })"""
    )
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_each_checkbox_sits_before_its_label_on_one_line(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, lang: str, tmp_path: Path
) -> None:
    province = await make_staff(rt, f"qian.boxes.{lang}", Role.PROVINCE_ADMIN)
    page = await new_page(browser)
    await sign_in(page, base, province, clock)
    await page.context.add_cookies([{"name": "sscard_lang", "value": lang, "url": base}])
    seen = 0
    for path in PAGES:
        await page.goto(f"{base}{path}")
        seen += await page.locator("label > input[type=checkbox]").count()
        assert await _misplaced(page) == [], path
        if os.environ.get("SSCARD_SCREENSHOTS_TMP"):
            await page.screenshot(path=str(tmp_path / f"{path.strip('/').replace('/', '-')}.png"),
                                  full_page=True)  # fmt: skip
    assert seen > 8
