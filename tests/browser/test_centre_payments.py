"""Benefit payments at the card centre and in the hall, in the browser (issue 15 items 6-9;
SPEC PAY-1, PAY-2, ISS-6): the province registers a payer (its token shown once), uploads the
payer's file, is shown each bad line and nothing is kept, then uploads a good one and reads the
batch's report — paid into the active account, held with the reason to activate, returned for
a number of nobody — and the holder sees the held payment and what to do."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path

from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.browser.test_hall_ecard import _sign_in
from tests.integration.payments.test_batches import active_card
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, sign_in
from tests.support.numbers import citizen_number, wrong_check_digit

HEADER = "社会保障号码,金额（元）,类别,所属期,发放编号\n"


def _file(tmp: Path, name: str, lines: list[str]) -> Path:
    path = tmp / name
    path.write_bytes((HEADER + "".join(f"{x}\n" for x in lines)).encode("gb18030"))
    return path


async def test_the_province_registers_a_payer_and_routes_its_file(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str, tmp_path: Path
) -> None:
    paid = await active_card(api)
    waiting = await api.card()
    province = await make_staff(rt, "zhao.payments", Role.PROVINCE_ADMIN)
    page = await new_page(browser)
    await sign_in(page, base, province, clock)
    await page.goto(f"{base}/centre")
    await page.get_by_role("link", name="待遇发放").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("待遇发放")
    await page.get_by_label("发放机构代码").fill("JS-PENSION")
    await page.get_by_label("中文名称").first.fill("江苏省养老保险")
    await page.get_by_label("英文名称").first.fill("Jiangsu pensions")
    await page.get_by_label("养老金").check()
    await page.get_by_role("button", name="登记发放机构").click()
    await expect(page.locator("#payer-token")).to_contain_text("ssc_")
    await assert_accessible(page)

    mine, theirs = paid["document"]["number"], waiting["document"]["number"]
    nobody = citizen_number(date(1958, 8, 8))
    bad = _file(tmp_path, "bad.csv", [f"{mine},3120.00,养老金,2026-11,G1",
                                       f"{wrong_check_digit(theirs)},100,养老金,2026-11,G2",
                                       f"{theirs},1.005,养老金,2026-11,G3"])  # fmt: skip
    await page.get_by_label("发放机构批次号").fill("2026-11-A")
    await page.get_by_label("文件（.xlsx或.csv）").set_input_files(str(bad))
    await page.get_by_role("button", name="上传并发放").click()
    problems = page.get_by_role("table", name="需更正的行")
    await expect(problems.get_by_role("row")).to_have_count(3)
    await expect(problems).to_contain_text("社会保障号码无效")
    await expect(page.get_by_role("alert").first).to_contain_text("未作任何更改")
    assert await api.count("payments") == 0

    good = _file(tmp_path, "good.csv", [f"{mine},3120.00,养老金,2026-11,G1",
                                        f"{theirs},1500.50,养老金,2026-11,G2",
                                        f"{nobody},10,养老金,2026-11,G3"])  # fmt: skip
    await page.get_by_label("发放机构批次号").fill("2026-11-A")
    await page.get_by_label("文件（.xlsx或.csv）").set_input_files(str(good))
    await page.get_by_role("button", name="上传并发放").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("发放批次")
    outcomes = page.get_by_role("table", name="按结果统计")
    await expect(outcomes.locator("#outcome-instructed")).to_contain_text("3120.00")
    await expect(outcomes.locator("#outcome-held")).to_contain_text("激活金融功能")
    await expect(outcomes.locator("#outcome-returned")).to_contain_text("社会保障号码未登记")
    await expect(page.get_by_role("main")).not_to_contain_text(mine)
    await assert_accessible(page)
    async with page.expect_download() as download:
        await page.get_by_role("link", name="下载发放结果（CSV）").click()
    saved = Path(await (await download.value).path())
    text = await asyncio.to_thread(saved.read_text, "utf-8-sig")
    assert "发放编号" in text
    assert "G2" in text
    assert theirs not in text

    holder = await new_page(browser)
    await _sign_in(holder, base, api, theirs)
    await holder.goto(f"{base}/hall/me")
    await holder.get_by_role("link", name="我的待遇到账").click()
    held = holder.get_by_role("status")
    await expect(held).to_contain_text("激活金融功能")
    await expect(held).to_have_class(re.compile(r"\bwarning\b"))  # not a green success
    assert await held.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 246, 221)"
    await expect(held).not_to_contain_text("ISS-")  # a rule's id is for staff, not citizens
    table = holder.get_by_role("table", name="款项（最新在前）")
    await expect(table).to_contain_text("1500.50")
    await expect(table).to_contain_text("暂挂待发")
    await assert_accessible(holder)
