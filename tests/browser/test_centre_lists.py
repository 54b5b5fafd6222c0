"""Application lists at the card centre in the browser (issue 14 item 13; SPEC YRD-2): the
province publishes a version of the delta's list without the library from tomorrow, sees what
is in force, and Nanjing's centre puts the library back on its own city's list."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, sign_in


async def test_the_province_and_a_city_publish_their_lists(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    province = await make_staff(rt, "li.province", Role.PROVINCE_ADMIN)
    page = await new_page(browser)
    await sign_in(page, base, province, clock)
    await page.goto(f"{base}/centre")
    await page.get_by_role("link", name="应用项目清单").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("应用项目清单")
    in_force = page.get_by_role("table", name=re.compile("今日施行的清单"))
    await expect(in_force).to_contain_text("长三角应用项目清单")
    await assert_accessible(page)
    await page.locator("#f-scope").select_option("delta")
    tomorrow = clock.now().date() + timedelta(days=1)
    await page.get_by_label("施行日期").fill(str(tomorrow))
    for use, kind in (("identity", "hotel"), ("medical", "hospital"), ("entry", "museum")):
        await page.locator(f"input[value='{use}:{kind}']").check()
    await page.get_by_label("调整内容和原因").fill("图书借阅暂不纳入")
    await page.get_by_role("button", name="发布", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("第2版已发布")

    nanjing = await make_staff(rt, "wang.nanjing", Role.CENTRE_ADMIN, city_code="3201")
    other = await new_page(browser)
    await sign_in(other, base, nanjing, clock)
    await other.goto(f"{base}/centre/application-lists")
    await expect(other.locator("#f-scope").locator("option")).to_have_count(1)
    await other.get_by_label("施行日期").fill(str(tomorrow))
    await other.locator("input[value='library:library']").check()
    await other.get_by_label("调整内容和原因").fill("本市图书馆继续受理")
    await other.get_by_role("button", name="发布", exact=True).click()
    await expect(other.get_by_role("status")).to_contain_text("已发布")
    clock.advance(timedelta(days=1))
    published = (await api.client.get("/api/v1/application-lists",
                                      params={"city_code": "3201"})).json()  # fmt: skip
    assert {"use": "library", "kinds": ["library"]} in published["together"]
    assert [x["version"] for x in published["lists"]] == [2, 1, 1]
