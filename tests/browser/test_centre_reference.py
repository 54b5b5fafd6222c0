"""Reference data at the card centre in the browser: a year's holiday calendar loaded from a
file and what it settles; a city policy changed from a date (issue 12 item 6; SPEC APP-2,
CITY-3, §17)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, screenshot, sign_in

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "holidays-2027.json"


async def test_late_work_is_listed_and_a_year_loaded_from_a_file_settles_what_waits(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    """APP-7: late work is listed; §17, APP-2: five working days from 28 Dec 2026 reach into
    2027, not yet known, until the year is loaded."""
    late = await api.applied("clerk_fast")  # Mon 23 Nov: due Mon 30 Nov
    clock.set(datetime(2026, 12, 28, 2, 0, tzinfo=UTC))
    waiting = await api.applied("clerk_fast")
    assert waiting["due_waits_for_calendar_year"] == 2027
    admin = await make_staff(rt, "he.province", Role.PROVINCE_ADMIN)
    page = await new_page(browser)
    await sign_in(page, base, admin, clock)
    await page.get_by_role("link", name="逾期工作").first.click()
    overdue = page.get_by_role("table", name=re.compile("已超过应办结日期"))
    await expect(overdue).to_contain_text(late["reference"])
    await expect(overdue).to_contain_text("2026-11-30")
    await expect(overdue).not_to_contain_text(waiting["reference"])
    unknown = page.get_by_role("table", name=re.compile("办结日期未定"))
    await expect(unknown).to_contain_text(waiting["reference"])
    await assert_accessible(page)
    listed = (await api.get("/api/v1/applications?overdue=true", "admin")).json()["items"]
    assert [a["reference"] for a in listed] == [late["reference"]]
    await page.get_by_role("link", name="节假日日历").first.click()

    # The 2027 file given as 2028: refused by the calendar's own check, nothing stored.
    await page.get_by_label("年份").fill("2028")
    await page.get_by_label("日历文件（JSON）").set_input_files(str(SAMPLE))
    await page.get_by_role("button", name="载入该年").click()
    await expect(page.locator("#e-file")).to_contain_text("不在2028年内")
    await expect(page.get_by_label("年份")).to_have_value("2028")
    years = (await api.get("/api/v1/calendar/years", "admin")).json()
    assert 2028 not in [y["year"] for y in years]

    await page.get_by_label("年份").fill("2027")
    await page.get_by_label("日历文件（JSON）").set_input_files(str(SAMPLE))
    await page.get_by_role("button", name="载入该年").click()
    await expect(page.get_by_role("status")).to_contain_text("已载入2027年")
    await expect(page.locator("#settled")).to_have_text("1")
    await assert_accessible(page)
    await screenshot(page, "64-centre-calendar-loaded")
    years = (await api.get("/api/v1/calendar/years", "admin")).json()
    assert 2027 in [y["year"] for y in years]
    got = (await api.get(f"/api/v1/applications/{waiting['reference']}", "admin")).json()
    # From Mon 28 Dec: 29, 30, 31 Dec, (1-3 Jan 元旦), Mon 4, Tue 5 Jan.
    assert got["due_date"] == "2027-01-05"
    assert got["due_waits_for_calendar_year"] is None


async def test_a_city_policy_is_changed_from_a_date_and_earlier_days_keep_the_old_one(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    """CITY-3: a policy governs from its effective date; the one in force today stays."""
    admin = await make_staff(rt, "zhu.centre", Role.CENTRE_ADMIN, city_code="3204")
    page = await new_page(browser)
    await sign_in(page, base, admin, clock)
    await page.get_by_role("link", name="基础数据").first.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("常州")
    days = page.get_by_label("快速制卡工作日数（APP-2）")
    await expect(days).to_have_value("5")

    await page.get_by_label("生效日期").fill("2026-12-01")
    await days.fill("0")
    await page.get_by_label("说明（调整依据）").fill("常人社〔2026〕试行")
    await page.get_by_role("button", name="保存政策").click()
    await expect(page.locator("#e-fast_making_working_days")).to_contain_text("之间的整数")
    await expect(days).to_have_value("0")
    await expect(page.get_by_label("生效日期")).to_have_value("2026-12-01")
    await assert_accessible(page)
    before = (await api.get("/api/v1/cities/3204/policies", "admin")).json()
    assert "2026-12-01" not in [p["effective_from"] for p in before]

    # Each rule has the input of its shape: a number, a fee per kind, a choice, boxes to tick.
    await days.fill("7")
    await page.locator("#f-replacement").fill("2000")  # the fee of a replacement (补卡)
    await page.get_by_label("正式挂失解挂范围（LOSS-3）").select_option("accepting_outlet")
    damaged = page.get_by_role("group", name="损坏换卡办理地点")
    await damaged.get_by_label("银行网点").uncheck()
    await damaged.get_by_label("人社网点").check()
    await page.get_by_role("button", name="保存政策").click()
    await expect(page.get_by_role("status")).to_contain_text("新政策已保存")
    await expect(page.get_by_role("table", name=re.compile("城市政策"))).to_contain_text(
        "2026-12-01"
    )
    await screenshot(page, "65-centre-city-policy")
    policies = (await api.get("/api/v1/cities/3204/policies", "admin")).json()
    added = next(p for p in policies if p["effective_from"] == "2026-12-01")
    assert added["rules"]["fast_making_working_days"] == 7
    assert added["rules"]["fees_fen"]["replacement"] == 2000
    assert added["rules"]["formal_unlock_scope"] == "accepting_outlet"
    assert added["rules"]["damage_exchange_at"] == ["hr"]
    assert added["note"] == "常人社〔2026〕试行"
    today = (await api.get("/api/v1/cities/3204", "admin")).json()["policy_in_force"]
    assert today["fast_making_working_days"] == 5
    # An application accepted once it governs is due in seven working days.
    clock.set(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    assert (await api.applied("clerk_fast"))["due_date"] == "2026-12-10"


async def test_an_outlets_phone_and_a_citys_banks_are_changed(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    """GOV-1: an outlet's data; CITY-2: the banks an applicant of the city may choose."""
    admin = await make_staff(rt, "lu.centre", Role.CENTRE_ADMIN, city_code="3204")
    page = await new_page(browser)
    await sign_in(page, base, admin, clock)
    await page.goto(f"{base}/centre/reference")
    banks_before = (await api.get("/api/v1/cities/3204", "admin")).json()["bank_codes"]
    assert "JSB" in banks_before
    await page.get_by_role("checkbox", name="JSB").uncheck()
    await page.get_by_role("button", name="保存银行").click()
    await expect(page.get_by_role("status")).to_contain_text("本市合作银行已保存")
    banks_after = (await api.get("/api/v1/cities/3204", "admin")).json()["bank_codes"]
    assert banks_after == [b for b in banks_before if b != "JSB"]

    await page.get_by_role("link", name="3204-HR-001").click()
    await page.get_by_label("电话").fill("0519-8517 5888")
    await page.get_by_label("办公时间").fill("周一至周五 9:00-17:00")
    await page.get_by_role("button", name="保存网点").click()
    await expect(page.locator("#e-phone")).to_have_text("格式不正确")  # as the API says
    await expect(page.get_by_label("办公时间")).to_have_value("周一至周五 9:00-17:00")
    await assert_accessible(page)
    outlet = (await api.get("/api/v1/outlets/3204-HR-001", "admin")).json()
    assert outlet["phone"] != "0519-8517 5888"

    offered = outlet["operations"]
    assert "temporary_medical_card" in offered
    await page.get_by_label("电话").fill("0519-85175888")
    await page.get_by_role("checkbox", name="temporary_medical_card").uncheck()
    await page.get_by_role("button", name="保存网点").click()
    await expect(page.get_by_role("status")).to_contain_text("网点已保存")
    outlet = (await api.get("/api/v1/outlets/3204-HR-001", "admin")).json()
    assert (outlet["phone"], outlet["hours_zh"]) == ("0519-85175888", "周一至周五 9:00-17:00")
    assert sorted(outlet["operations"]) == sorted(set(offered) - {"temporary_medical_card"})
