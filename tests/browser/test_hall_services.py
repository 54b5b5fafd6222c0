"""HR services in the online hall (issue 14 item 6; SPEC ECARD-5, SCN-1): the holder takes an
insurance certificate and downloads it as a PDF whose code the public check answers, starts an
unemployment registration (a future day refused on its field), and reads where the rest is
done."""

from __future__ import annotations

import asyncio
import subprocess
from datetime import timedelta
from pathlib import Path

from playwright.async_api import Browser, expect

from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.browser.test_hall_ecard import _sign_in
from tests.support.api import Api
from tests.support.console import assert_accessible, new_page, outside_requests, record_outside


async def test_a_certificate_downloads_and_an_unemployment_registration_is_submitted(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api, tmp_path: Path
) -> None:
    card = await api.card()
    page = await new_page(browser)
    record_outside(page, base)
    await _sign_in(page, base, api, card["document"]["number"])
    await page.get_by_role("link", name="人社服务").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("人社服务")
    await expect(page.get_by_text("职称评审申报")).to_be_visible()
    await page.get_by_role("button", name="出具参保证明").click()
    await expect(page.get_by_role("status")).to_contain_text("参保证明已出具")
    link = page.get_by_role("link", name=r"PDF文件").first
    code = (await link.inner_text()).split()[-1]
    got = await page.request.get(base + (await link.get_attribute("href") or ""))
    assert got.headers["content-type"] == "application/pdf"
    saved = tmp_path / "certificate.pdf"
    saved.write_bytes(await got.body())
    done = await asyncio.to_thread(
        subprocess.run, ["pdftotext", "-raw", str(saved), "-"], check=True, capture_output=True
    )
    text = done.stdout.decode()
    assert "社会保险参保证明" in text
    assert code in text
    assert card["document"]["number"] in text  # the holder's own certificate, in full
    checked = await api.client.get(f"/api/v1/insurance-certificates/{code}")
    assert checked.status_code == 200
    assert checked.json()["answers"] is True
    await assert_accessible(page)

    today = clock.now().date()
    await page.get_by_label("最后工作日").fill(str(today + timedelta(days=2)))
    await page.get_by_role("button", name="提交登记").click()
    await expect(page.get_by_role("alert").first).to_contain_text("一年内")
    await page.get_by_label("最后工作日").fill(str(today - timedelta(days=2)))
    await page.get_by_role("button", name="提交登记").click()
    await expect(page.get_by_role("status")).to_contain_text("失业登记已提交")
    table = page.get_by_role("table", name="我的失业登记")
    await expect(table).to_contain_text("劳动合同期满终止")
    assert outside_requests(page) == []
