"""Reconciliation with a bank in the browser: a statement file refused line by line, then one
taken, its differences shown and downloaded as CSV (issue 12 item 6; SPEC ISS-2)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from pathlib import Path

from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, screenshot, sign_in

ACCOUNT = "6222020000001234"


async def test_a_statement_is_reconciled_and_its_differences_downloaded_as_csv(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str, tmp_path: Path
) -> None:
    card = (await api.card(bank="ICBC"))["card_number"]
    bad = tmp_path / "icbc-bad.csv"
    bad.write_text(
        f"card_number,account_number,financial_status\n{card},{ACCOUNT},sleeping\n", "utf-8"
    )
    good = tmp_path / "icbc.csv"
    good.write_text(
        "card_number,account_number,financial_status\n"
        f"{card},{ACCOUNT},active\nZ99999999,6222020000009999,active\n",
        "utf-8",
    )
    admin = await make_staff(rt, "li.province", Role.PROVINCE_ADMIN)
    page = await new_page(browser)
    await sign_in(page, base, admin, clock)
    await page.get_by_role("link", name="对账").first.click()
    await page.get_by_label("银行", exact=True).last.select_option("ICBC")

    # A bad line: the API's refusal with its line number, nothing taken from the statement.
    await page.get_by_label("对账文件（CSV").set_input_files(str(bad))
    await page.get_by_role("button", name="开始对账").click()
    await expect(page.get_by_role("alert").first).to_contain_text("第2行")
    await assert_accessible(page)
    before = (await api.get(f"/api/v1/cards/{card}", "admin")).json()
    assert before["financial_status"] == "account_requested"

    await page.get_by_label("对账文件（CSV").set_input_files(str(good))
    await page.get_by_role("button", name="开始对账").click()
    await expect(page).to_have_url(re.compile(r"/centre/reconciliation/\d+$"))
    run_id = int(page.url.rsplit("/", 1)[1])
    table = page.get_by_role("table", name=re.compile("差异"))
    await expect(table).to_contain_text("Z99999999")
    await expect(table).to_contain_text(card)
    await assert_accessible(page)
    await screenshot(page, "63-centre-reconciliation")

    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="下载差异明细（CSV）").click()
    download = await download_info.value
    downloaded = await asyncio.to_thread(Path(await download.path()).read_text, "utf-8")
    assert downloaded.startswith("\ufeffcard_number,kind,rule,")
    rows = list(csv.DictReader(io.StringIO(downloaded.lstrip("\ufeff"))))
    stored = await api.get(f"/api/v1/reconciliations/{run_id}", "admin")
    assert stored.status_code == 200, stored.text
    found = stored.json()["differences_page"]["items"]
    assert [(r["card_number"], r["kind"], r["repair"]) for r in rows] == [
        (d["card_number"], d["kind"], d["repair"]) for d in found
    ]
    assert {r["card_number"] for r in rows} == {card, "Z99999999"}
    assert ACCOUNT not in downloaded  # account numbers never in the report in clear (ID-6)
    api_csv = await api.get(f"/api/v1/reconciliations/{run_id}/differences.csv", "admin")
    assert api_csv.text == downloaded
