"""The holder's benefit payments in the online hall, page by page (issue 15 item 9; SPEC
PAY-1): a holder with more payments than a page reads them 100 at a time, newest first, goes
back to older ones and returns to the newest; a bad page reference is refused in the page's
own words, nothing shown of anybody."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.browser.test_hall_ecard import _sign_in
from tests.integration.payments.test_batches import active_card, line, payer, ssn, submit
from tests.support.api import Api
from tests.support.console import assert_accessible, new_page


async def test_the_holder_pages_back_through_many_payments(
    api: Api, browser: Browser, base: str
) -> None:
    who = await payer(api)
    card = await active_card(api)
    lines = [line(ssn(api, card), 1000 + i) for i in range(101)]  # 10.00 to 11.00 yuan
    assert (await submit(api, who, lines)).status_code == 201
    page = await new_page(browser)
    await _sign_in(page, base, api, card["document"]["number"])
    await page.goto(f"{base}/hall/me")
    await page.get_by_role("link", name="我的待遇到账").click()
    rows = page.get_by_role("table", name="款项（最新在前）").get_by_role("row")
    await expect(rows).to_have_count(101)  # the header and the newest 100
    await expect(rows.nth(1)).to_contain_text("11.00")
    await expect(rows.nth(100)).to_contain_text("10.01")
    await expect(page.get_by_role("link", name="回到最新款项")).to_have_count(0)
    await page.get_by_role("link", name="更早的款项").click()
    await expect(rows).to_have_count(2)
    await expect(rows.nth(1)).to_contain_text("10.00")
    await expect(page.get_by_role("link", name="更早的款项")).to_have_count(0)
    await assert_accessible(page)
    await page.get_by_role("link", name="回到最新款项").click()
    await expect(rows).to_have_count(101)
    refused = await page.goto(f"{base}/hall/payments?before=-1")
    assert refused is not None
    assert refused.status == 422
    await expect(page.get_by_role("main")).to_contain_text("before")
    await expect(page.get_by_role("main")).not_to_contain_text("10.00")
