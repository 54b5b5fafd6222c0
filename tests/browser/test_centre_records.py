"""The province's records in the browser: reports received from banks and messages to people,
personal data masked as the use cases give it (issue 12 item 6; SPEC ISS-2, LOSS-2, ID-6)."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.bank_reports import bank_report
from tests.support.console import assert_accessible, make_staff, new_page, screenshot, sign_in

ACCOUNT = "6222020000004321"


async def test_the_bank_inbox_and_notifications_are_read_with_personal_data_masked(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    card = await api.card(bank="ICBC", phone="13700001111")
    number = card["card_number"]
    opened = {"event": "account_opened", "account_number": ACCOUNT}
    assert (await bank_report(api, number, "bank_icbc", opened)).status_code == 200
    holder = await api.cardholder(card["person_id"])
    assert (await api.card_post(number, "formal-loss", holder)).status_code == 200  # LOSS-2
    admin = await make_staff(rt, "ma.province", Role.PROVINCE_ADMIN)
    page = await new_page(browser)
    await sign_in(page, base, admin, clock)

    await page.get_by_role("link", name="银行来报").first.click()
    inbox = page.get_by_role("table")
    await expect(inbox).to_contain_text(number)
    await expect(inbox).to_contain_text("已处理")  # the status in the page's language
    await expect(inbox).not_to_contain_text(ACCOUNT)
    stored = (await api.get("/api/v1/bank-inbox", "admin")).json()["items"]
    assert [(r["card_number"], r["status"]) for r in stored] == [(number, "applied")]
    await expect(inbox).to_contain_text(stored[0]["account"])
    await assert_accessible(page)
    await screenshot(page, "67-centre-bank-inbox")

    await page.get_by_role("link", name="通知", exact=True).click()
    sent = page.get_by_role("table")
    await expect(sent).to_contain_text("online_loss_bank_reminder")
    await expect(sent).to_contain_text("LOSS-2")
    await expect(sent).not_to_contain_text("13700001111")
    await page.get_by_label("状态").select_option("sent")
    await page.get_by_role("button", name="显示").click()
    await expect(page.get_by_role("table")).to_contain_text("暂无")
    await assert_accessible(page)
    listed = (await api.get("/api/v1/notifications", "admin")).json()["items"]
    assert [(n["template"], n["status"]) for n in listed] == [
        ("online_loss_bank_reminder", "pending")
    ]
