"""The online hall in English (issue 13: Chinese first, English available): after the switch,
every heading, label, button, legend, table header and notice of the hall's pages is English;
only the person's own data (masked name, addresses, outlet names) stays as recorded."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.console import new_page, outside_requests, record_outside

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
# The language switch names the other language in that language (lang="zh-CN"): not chrome.
CHROME = (
    "h1, h2, label, button:not([lang]), legend, th, caption, .hint, .notice, .error, [role=alert]"
)


DATA = ("测**", "测试人")  # the person's own name, masked or as typed: data, not chrome


async def _chinese_in_chrome(page: Page) -> list[str]:
    texts = await page.locator(CHROME).all_inner_texts()
    for value in DATA:
        texts = [t.replace(value, "") for t in texts]
    return [t for t in texts if CJK.search(t)]


async def test_the_hall_reads_in_english(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    person = await api.person("clerk_instant")
    number = api.numbers[person["person_id"]]
    page = await new_page(browser)
    record_outside(page, base)
    await page.context.add_cookies([{"name": "sscard_lang", "value": "en", "url": base}])
    await page.goto(f"{base}/hall")
    assert await _chinese_in_chrome(page) == []
    await page.get_by_label("Social security number").fill(number)
    await page.get_by_label("Name as on the card").fill("测试人")
    await page.get_by_role("button", name="Send me a code").click()
    assert await _chinese_in_chrome(page) == []
    codes = (await api.get("/api/v1/notifications", "admin")).json()["items"]
    await page.get_by_role("textbox").first.fill(codes[0]["params"]["code"])
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(re.compile(r"/hall/me$"))
    assert await _chinese_in_chrome(page) == [], "the holder's page"

    await page.get_by_role("link", name="Apply for my card online").click()
    assert await _chinese_in_chrome(page) == [], "the application form"
    await page.get_by_role("button", name="Continue").click()  # nothing filled in
    assert await _chinese_in_chrome(page) == [], "the refusals of an empty form"
    await page.get_by_label("Cooperating bank (printed on the card)").select_option("ICBC")
    await page.get_by_label("City", exact=True).fill("常州市")
    await page.get_by_label("District or county").fill("天宁区")
    await page.get_by_label("Street, number, building and room").fill("延陵西路100号")
    await page.get_by_label("Recipient's name").fill("收件人")
    await page.get_by_label("Recipient's mobile number").fill("13800000000")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    assert await _chinese_in_chrome(page) == [], "check your answers"
    await page.get_by_role("button", name="Send my application").click()
    await expect(page.get_by_role("status")).to_contain_text("Your application is sent")
    assert await _chinese_in_chrome(page) == [], "the holder's page with an application"
    assert outside_requests(page) == []
