"""Family binding in the browser (亲情服务, SPEC ECARD-4, ID-4; issue 13 item 1): the clerk
records a parent's binding to a child of 15 with the proof checked (a relation that does not fit
is refused next to its field first); the parent signs in to the online hall, switches to the
child, sees the child's card, and switches back. What was stored is checked through the API."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.console import (
    assert_accessible,
    make_staff,
    new_page,
    outside_requests,
    record_outside,
    screenshot,
    sign_in,
)
from tests.support.numbers import citizen_number

OUTLET = "3204-HR-001"
OUTLET_KEY = "family.clerk"
CHILD_BIRTH = date(2011, 5, 20)  # 15 on 2026-11-23


async def _child_with_card(api: Api) -> dict[str, Any]:
    """A child of 15 with a collected card, applied for through a guardian (ID-4)."""
    number = citizen_number(CHILD_BIRTH)
    doc = {"type": "resident_id", "number": number}
    child = await api.person("clerk_instant", birth=CHILD_BIRTH, document=doc, phone=None)
    guardian = {
        "role": "guardian",
        "relationship": "parent",
        "name": "李监护",
        "document": {"type": "resident_id", "number": citizen_number(date(1983, 2, 2))},
        "proof": "household_register",
    }
    r = await api.submit(child["person_id"], "clerk_instant", representative=guardian)
    assert r.status_code == 201, r.text
    ref = r.json()["reference"]
    r = await api.post(f"/api/v1/applications/{ref}/collect", "clerk_instant", {"document": doc})
    assert r.status_code == 200, r.text
    return {**child, "number": number, "card_number": r.json()["card"]["card_number"]}


async def test_a_clerk_binds_a_parent_who_then_acts_for_the_child_in_the_hall(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    parent_number = citizen_number(date(1983, 7, 7))
    parent = await api.person(
        "clerk_instant",
        birth=date(1983, 7, 7),
        document={"type": "resident_id", "number": parent_number},
    )
    child = await _child_with_card(api)
    clerk = await make_staff(rt, "family.clerk", Role.OUTLET_CLERK, outlet_code=OUTLET)
    api.tokens[OUTLET_KEY] = clerk.token

    page = await new_page(browser)
    record_outside(page, base)
    await sign_in(page, base, clerk, clock)
    await page.goto(f"{base}/counter/family")
    await expect(page.get_by_role("heading", level=1)).to_have_text("亲情服务绑定")
    await assert_accessible(page)
    await page.get_by_label("亲属的社会保障号码").fill(parent_number)
    await page.get_by_label("被代办人（未成年人或老年人）的社会保障号码").fill(child["number"])
    await page.get_by_label("亲属是其").select_option("spouse")
    await page.get_by_label("已核验的亲属关系证明").select_option("marriage_certificate")
    await page.get_by_role("button", name="确认绑定").click()
    await expect(page.locator("#e-relation")).to_contain_text("配偶")  # ECARD-4, by its field
    await expect(page.get_by_label("亲属的社会保障号码")).to_have_value(parent_number)  # kept
    assert await api.count("family_bindings") == 0
    await page.get_by_label("亲属是其").select_option("parent")
    await page.get_by_label("已核验的亲属关系证明").select_option("household_register")
    await page.get_by_label("证明编号（如有）").fill("HK320400778")
    await page.get_by_role("button", name="确认绑定").click()
    await expect(page.get_by_role("status")).to_contain_text("亲情服务绑定已办理")
    bindings = page.get_by_role("table", name="亲情服务绑定记录")
    row = bindings.get_by_role("row").nth(1)
    await expect(row).to_contain_text("父母")
    await expect(row.get_by_role("cell").nth(6)).to_have_text("有效")
    await expect(bindings).to_contain_text("2027-05-20")  # the 16th birthday
    await expect(bindings).not_to_contain_text("HK320400778")  # the proof's number masked
    await assert_accessible(page)
    await screenshot(page, "95-counter-family-binding")
    assert await api.count("family_bindings") == 1

    hall = await new_page(browser)
    record_outside(hall, base)
    await hall.goto(f"{base}/hall")
    await hall.get_by_label("社会保障号码").fill(parent_number)
    await hall.get_by_label("姓名（与卡面一致）").fill("测试人")
    await hall.get_by_role("button", name="发送验证码").click()
    listed = (await api.get("/api/v1/notifications", "admin")).json()["items"]
    [sms] = [n for n in listed if n["template"] == "online_sign_in_code"]
    assert sms["person_id"] == parent["person_id"]
    await hall.get_by_label("短信验证码（6位数字）").fill(sms["params"]["code"])
    await hall.get_by_role("button", name="登录").click()
    await expect(hall).to_have_url(re.compile(r"/hall/me$"))
    await expect(hall.get_by_role("table", name="我的社保卡")).not_to_contain_text(
        child["card_number"]
    )

    await hall.get_by_role("link", name="亲情服务").first.click()
    family = hall.get_by_role("table", name="我可代办的家人")
    await expect(family).to_contain_text("父母")
    await assert_accessible(hall)
    await family.get_by_role("button", name=re.compile("^代测.*办理$")).click()
    await expect(hall).to_have_url(re.compile(r"/hall/me\?done=acting$"))
    await expect(hall.get_by_role("region", name="正在代亲属办理")).to_be_visible()
    cards = hall.get_by_role("table", name="我的社保卡")
    await expect(cards).to_contain_text(child["card_number"])
    await assert_accessible(hall)
    await screenshot(hall, "96-hall-acting-for-child")
    await hall.get_by_role("button", name="切换回本人").click()
    await expect(hall.get_by_role("status")).to_contain_text("已切换回本人")
    await expect(cards).not_to_contain_text(child["card_number"])
    await expect(hall.get_by_role("region", name="正在代亲属办理")).to_have_count(0)

    await hall.get_by_role("link", name="亲情服务").first.click()  # the parent gives it up
    await family.get_by_role("button", name=re.compile("^解除与测.*的绑定$")).click()
    await expect(hall.get_by_role("status")).to_contain_text("亲情服务绑定已解除")
    await expect(family.get_by_role("row").nth(1)).to_contain_text("已解除")
    await expect(family.get_by_role("button")).to_have_count(0)
    listed = await api.get(f"/api/v1/family-bindings?person_id={child['person_id']}", OUTLET_KEY)
    assert [b["ended_reason"] for b in listed.json()["items"]] == ["by_relative"]
    assert outside_requests(page) == []
    assert outside_requests(hall) == []
