"""A unit's agent in the browser (issue 13 item 6; SPEC APP-3): signs in at /signin like
staff and lands on the unit portal, downloads the registration form template, uploads a
workbook mixing good and bad rows with one bank for all, sees the result of every row and
downloads the result workbook with the reason in each row not accepted."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.integration.units.conftest import credit_code, member, named_agent, register_unit, xlsx
from tests.support.api import Api
from tests.support.console import (
    StaffMember,
    assert_accessible,
    new_page,
    outside_requests,
    record_outside,
    screenshot,
    sign_in,
)
from tests.support.numbers import citizen_number, wrong_check_digit


async def test_an_agent_uploads_a_mixed_workbook_and_reads_the_result_of_every_row(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api, tmp_path: object
) -> None:
    """SPEC APP-3: a bad row never sinks the good ones; the agent sees why, on screen and in
    the result workbook; cards within 30 calendar days."""
    code = credit_code(31)
    assert (await register_unit(api, code)).status_code == 201
    agent = await named_agent(api, code, "agent.browser")
    who = StaffMember(agent["username"], agent["password"], agent["secret"], Role.UNIT_AGENT, 0, "")
    good = await api.person()
    no_photo = await api.person(photo=False)
    rows = [
        member(number=api.numbers[good["person_id"]]),
        member(number=wrong_check_digit(citizen_number(date(1990, 1, 15)))),
        member(number=api.numbers[no_photo["person_id"]]),
    ]
    path = Path(f"{tmp_path}/members.xlsx")
    await asyncio.to_thread(path.write_bytes, xlsx(rows))

    page = await new_page(browser)
    record_outside(page, base)
    await sign_in(page, base, who, clock)
    await expect(page).to_have_url(re.compile(r"/unit$"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text("单位服务")
    await assert_accessible(page)
    async with page.expect_download() as template_info:
        await page.get_by_role("link", name="下载申领登记表模板").click()
    template = await template_info.value
    book = load_workbook(
        io.BytesIO(await asyncio.to_thread(Path(await template.path()).read_bytes))
    )
    assert book.worksheets[0]["A1"].value == "江苏省社会保障卡申领登记表"

    await page.get_by_role("link", name="批量申领上传").click()
    await expect(page.get_by_text("30个自然日")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_label("文件（.xlsx或.csv）").set_input_files(str(path))
    await page.get_by_label("合作银行（全部人员相同）").select_option("ICBC")
    await page.get_by_role("button", name="上传并校验").click()

    await expect(page).to_have_url(re.compile(r"/unit/batches/PC\d+$"))
    await expect(page.locator("#rows-accepted")).to_have_text("1")
    await expect(page.locator("#rows-refused")).to_have_text("2")
    await expect(page.get_by_text("自然日内办结")).to_be_visible()
    table = page.get_by_role("table", name="逐行结果")
    await expect(table.get_by_role("row")).to_have_count(4)
    await expect(table).to_contain_text("校验位错误")
    await expect(table).to_contain_text("照片")
    await expect(table).to_contain_text("受理")
    await assert_accessible(page)
    await screenshot(page, "95-unit-batch-result")
    async with page.expect_download() as result_info:
        await page.get_by_role("link", name="下载结果工作簿").click()
    result = await result_info.value
    fixed = load_workbook(io.BytesIO(await asyncio.to_thread(Path(await result.path()).read_bytes)))
    fix = fixed.worksheets[0]
    reasons = [fix.cell(row=r, column=15).value for r in (3, 4)]
    assert all(reasons), reasons
    assert fix.cell(row=5, column=2).value is None  # only the two rows not accepted
    assert outside_requests(page) == []
