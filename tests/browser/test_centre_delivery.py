"""Deliveries to banks in the browser: a failed message replayed, an endpoint's last error
shown, its delivery stopped and resumed (issue 12 item 6; SPEC ISS-1, CH-1)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest
from playwright.async_api import Browser, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from sscard.platform.outbox.dispatcher import Senders, dispatch_once
from tests.integration.platform.outbox.receiver import Receiver, serving
from tests.support.api import Api
from tests.support.console import assert_accessible, make_staff, new_page, screenshot, sign_in

SECRET = bytes(range(32))


@pytest.fixture
async def senders(rt: Runtime) -> AsyncIterator[Senders]:
    """Three attempts a minute apart at most, restored afterwards."""
    saved = rt.settings
    rt.settings = replace(
        saved,
        delivery_backoff_base_seconds=1.0,
        delivery_backoff_max_seconds=60.0,
        delivery_max_attempts=3,
        delivery_timeout_seconds=5.0,
    )
    pool = Senders(rt.settings)
    yield pool
    await pool.close()
    rt.settings = saved


async def _endpoint(api: Api, recipient: str) -> dict[str, object]:
    r = await api.get("/api/v1/delivery-endpoints", "admin")
    assert r.status_code == 200, r.text
    return next(e for e in r.json() if e["recipient"] == recipient)


async def test_a_failed_message_is_replayed_and_a_banks_endpoint_stopped_and_resumed(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str, senders: Senders
) -> None:
    await api.card(bank="ICBC")  # its account request waits for ICBC (ISS-1)
    bank = Receiver(SECRET, clock.now)
    async with serving(bank) as url:
        body = {"transport": "http", "url": url, "secret_hex": SECRET.hex()}
        assert (await api.call("PUT", "/api/v1/delivery-endpoints/ICBC", "admin", body)).is_success
        [message] = (await api.get("/api/v1/outbox", "admin")).json()["items"]
        bank.reject[message["message_id"]] = "account type not offered"
        for _ in range(3):
            await dispatch_once(rt, "test", senders)
            clock.advance(timedelta(seconds=61))
        failed = (await api.get("/api/v1/outbox?status=failed", "admin")).json()["items"]
        assert [m["id"] for m in failed] == [message["id"]]

        admin = await make_staff(rt, "qian.province", Role.PROVINCE_ADMIN)
        page = await new_page(browser)
        await sign_in(page, base, admin, clock)
        await page.get_by_role("link", name="向银行发送").first.click()
        messages = page.get_by_role("table", name="消息")
        await expect(messages).to_contain_text("account type not offered")
        await assert_accessible(page)
        await page.get_by_role("button", name=f"重新发送 {message['id']}").click()
        await expect(page.get_by_role("status")).to_contain_text(
            f"消息 {message['id']} 将立即重新发送"
        )
        [again] = (await api.get("/api/v1/outbox", "admin")).json()["items"]
        assert (again["status"], again["attempts"], again["last_error"]) == ("pending", 0, None)

        # The bank now holds another secret: the endpoint pauses and says why.
        bank.reject.clear()
        bank.secret = b"another bank secret, not ours!!!"
        await dispatch_once(rt, "test", senders)
        await page.reload()
        icbc = page.get_by_role("row").filter(has_text="ICBC").first
        await expect(icbc).to_contain_text("HTTP 401: the bank refused the signature")
        await expect(icbc).to_contain_text("暂停至")
        await screenshot(page, "62-centre-delivery")

        await page.get_by_role("button", name="停止发送 ICBC").click()
        await expect(page.get_by_role("status")).to_contain_text("已停止向 ICBC 发送")
        assert (await _endpoint(api, "ICBC"))["enabled"] is False
        await page.get_by_role("button", name="恢复发送 ICBC").click()
        await expect(page.get_by_role("status")).to_contain_text("已恢复向 ICBC 发送")
        resumed = await _endpoint(api, "ICBC")
        assert (resumed["enabled"], resumed["paused_until"]) == (True, None)
        await assert_accessible(page)


async def test_a_banks_endpoint_is_created_with_its_key_shown_once_and_changed(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    """The province's administrator sets where a bank's messages go (as PUT
    /delivery-endpoints): a bad address is refused next to its input with what was typed kept
    and nothing stored; a new endpoint's generated key is shown on that answer only; a change
    keeps the key."""
    admin = await make_staff(rt, "zhao.endpoint", Role.PROVINCE_ADMIN)
    page = await new_page(browser)
    await sign_in(page, base, admin, clock)
    await page.goto(f"{base}/centre/delivery")
    endpoints = page.get_by_role("region", name="银行接口")
    await endpoints.get_by_label("银行").select_option("JSB")
    await endpoints.get_by_label("地址（Webhook URL 或 NATS 主题）").fill("ftp://bank.example/x")
    await endpoints.get_by_role("button", name="保存接口").click()
    await expect(page.locator("#e-url")).to_be_visible()
    await expect(page.get_by_label("地址（Webhook URL 或 NATS 主题）")).to_have_value(
        "ftp://bank.example/x"
    )
    r = await api.get("/api/v1/delivery-endpoints", "admin")
    assert "JSB" not in {e["recipient"] for e in r.json()}

    await page.get_by_label("地址（Webhook URL 或 NATS 主题）").fill("http://127.0.0.1:9/jsb")
    await page.get_by_role("button", name="保存接口").click()
    await expect(page.get_by_role("status").first).to_contain_text("JSB 的接口已保存")
    key = (await page.locator("code.secret").inner_text()).strip()
    assert len(bytes.fromhex(key)) == 32
    await assert_accessible(page)
    stored = await _endpoint(api, "JSB")
    assert stored["url"] == "http://127.0.0.1:9/jsb"
    await page.goto(f"{base}/centre/delivery")
    await expect(page.locator("code.secret")).to_have_count(0)  # shown that once
    assert key not in await page.content()

    await page.get_by_role("region", name="银行接口").get_by_label("银行").select_option("JSB")
    await page.get_by_label("地址（Webhook URL 或 NATS 主题）").fill("http://127.0.0.1:9/jsb2")
    await page.get_by_role("button", name="保存接口").click()
    await expect(page.locator("code.secret")).to_have_count(0)  # a change keeps the key
    assert (await _endpoint(api, "JSB"))["url"] == "http://127.0.0.1:9/jsb2"
    await expect(page.get_by_role("table", name="各银行的发送地址")).to_contain_text(
        "http://127.0.0.1:9/jsb2"
    )
