"""Promotions in the browser (issue 15 item 11; SPEC PRM-1): the province puts in ICBC
Nanjing's activation gift; the holder's first activation at ICBC grants it and the hall shows
the voucher code; an ICBC clerk redeems it once at the counter, and the second time is refused
by name."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.browser.test_hall_ecard import _sign_in
from tests.integration.promotions.test_offers import activate, nanjing_card
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, sign_in


async def test_an_activation_gift_from_the_centre_to_the_counter(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    province = await make_staff(rt, "wu.offers", Role.PROVINCE_ADMIN)
    page = await new_page(browser)
    await sign_in(page, base, province, clock)
    await page.goto(f"{base}/centre")
    await page.get_by_role("link", name="持卡人优惠活动").first.click()
    fields = {"code": "ICBC-NJ-ACT-B", "name_zh": "工行南京激活礼", "name_en": "ICBC gift",
              "sponsor": "工行南京分行", "bank_code": "ICBC", "city_code": "3201",
              "value_yuan": "30", "terms_zh": "首次激活送30元话费", "terms_en": "30 yuan credit",
              "effective_from": "2026-01-01", "effective_until": "2026-12-31"}  # fmt: skip
    for name, value in fields.items():
        await page.locator(f"#f-{name}").fill(value)
    await page.locator("#f-kind").select_option("activation_gift")
    await page.locator("#f-trigger").select_option("first_financial_activation")
    await page.locator("#f-redeem_at").select_option("bank_outlet")
    await expect(page.locator("label[for=f-redeem_at]")).to_have_text("使用地点 *")  # not 已使用
    await expect(page.get_by_label("面值（元）")).to_have_value("30")
    await page.get_by_role("button", name="保存优惠活动").click()
    await expect(page.get_by_role("status")).to_contain_text("ICBC-NJ-ACT-B")
    await expect(page.locator("#offer-ICBC-NJ-ACT-B")).to_contain_text("30.00")
    await assert_accessible(page)

    card = await nanjing_card(api)
    await activate(api, card["card_number"])
    holder = await new_page(browser)
    await _sign_in(holder, base, api, card["document"]["number"])
    await holder.goto(f"{base}/hall/me")
    await holder.get_by_role("link", name="我的优惠").click()
    voucher = await holder.locator("code.voucher").inner_text()
    assert len(voucher) == 12
    await assert_accessible(holder)

    clerk = await make_staff(rt, "zheng.icbc", Role.OUTLET_CLERK, outlet_code="3201-BANK-001")
    counter = await new_page(browser)
    await sign_in(counter, base, clerk, clock)
    await counter.goto(f"{base}/bank")
    await counter.get_by_role("link", name="核销优惠券").click()
    await counter.get_by_label("券码").fill(voucher.lower())
    await counter.get_by_role("button", name="核销").click()
    await expect(counter.get_by_role("status")).to_contain_text("30.00元")
    await counter.get_by_label("券码").fill(voucher)
    await counter.get_by_role("button", name="核销").click()
    await expect(counter.locator("#e-voucher_code")).to_contain_text("只能使用一次")
    await assert_accessible(counter)
    await holder.reload()
    await expect(holder.get_by_role("table", name="我的优惠券")).to_contain_text("已于")
