"""After a unit's upload, in the browser (issue 13 items 6-8; SPEC APP-3, APP-5, APP-7, ISS-3,
ISS-4): the agent supplies a photo the unit owed, the card centre starts a whole batch, and the
outlet hands the cards to the unit's agent, prints the distribution list and records the signed
list with one card not handed out."""

from __future__ import annotations

import re
from io import BytesIO

import pyotp
from PIL import Image
from playwright.async_api import Browser, Page, expect

from sscard.actors.staff import repository as staff_repo
from sscard.actors.staff import service as staff
from sscard.kernel.actor import OPERATOR, Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from sscard.registry.photo import make_standard_photo
from tests.support.api import Api
from tests.support.console import (
    PASSWORD,
    StaffMember,
    assert_accessible,
    make_staff,
    new_page,
    screenshot,
    sign_in,
)
from tests.support.unit_batches import OUTLET, RegisteredUnit, UnitBatch, unit_batch
from tests.unit.web.test_documents import pdf_text


async def _agent_account(rt: Runtime, unit: RegisteredUnit) -> StaffMember:
    """The named agent's console account (made when the outlet named the agent), as after a
    first sign-in: password PASSWORD, TOTP enrolled."""
    secret = pyotp.random_base32()
    async with rt.unit(OPERATOR) as ctx:
        await staff_repo.update_account(
            ctx.conn,
            unit.agent_account_id,
            password_hash=staff.HASHER.hash(PASSWORD),
            must_change_password=False,
            totp_secret_enc=ctx.vault.encrypt(secret),
            totp_enrolled=True,
        )
        account = await staff_repo.account_by_id(ctx.conn, unit.agent_account_id)
    assert account is not None
    return StaffMember(
        unit.agent_username, PASSWORD, secret, Role.UNIT_AGENT, account["actor_id"], ""
    )


async def _status(api: Api, reference: str) -> str:
    r = await api.get(f"/api/v1/applications/{reference}", "admin")
    assert r.status_code == 200, r.text
    return str(r.json()["status"])


async def _signed_in(browser: Browser, base: str, who: StaffMember, clock: ManualClock) -> Page:
    page = await new_page(browser)
    await sign_in(page, base, who, clock)
    return page


async def test_the_agent_supplies_a_photo_the_unit_owed(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    """SPEC APP-3, APP-5, APP-7: the batch's progress shows the photo owed; a photo failing the
    standard is refused check by check, a good one is kept and the member no longer waits."""
    batch = await unit_batch(api, 2, pending=(2,), refused=1)
    page = await _signed_in(browser, base, await _agent_account(rt, batch.unit), clock)

    await page.goto(f"{base}/unit/batches/{batch.reference}/card-progress")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("批次制卡进度")
    await expect(page.locator("#photos-owed")).to_have_text("1")
    await expect(page.get_by_text("30个自然日")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name=f"补报第{batch.pending_rows[0]}行照片").click()

    png = BytesIO()
    Image.new("RGB", (200, 200), (200, 30, 30)).save(png, "PNG")
    await page.locator("#f-photo").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": png.getvalue()}]
    )
    await page.get_by_role("button", name="检查并保存照片").click()
    results = page.get_by_role("table", name="检查结果")
    await expect(results).to_contain_text("尺寸应为358×441像素")
    await expect(page.get_by_role("alert").first).to_contain_text("照片不符合标准，未保存")
    await assert_accessible(page)

    await page.locator("#f-photo").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": make_standard_photo(7)}]
    )
    await page.get_by_role("button", name="检查并保存照片").click()
    await expect(page).to_have_url(re.compile(r"/card-progress\?done=photo$"))
    await expect(page.get_by_role("status")).to_contain_text("照片符合标准，已保存")
    await expect(page.locator("#photos-owed")).to_have_text("0")
    await screenshot(page, "90-unit-photo-supplied")


async def test_the_centre_starts_production_for_a_whole_batch(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    """SPEC APP-3, APP-5: one button starts every member but the one whose photo is owed, and
    says why that one was left out."""
    batch = await unit_batch(api, 3, pending=(3,))
    admin = await make_staff(rt, "zhou.centre", Role.CENTRE_ADMIN, city_code="3204")
    page = await _signed_in(browser, base, admin, clock)

    await page.get_by_role("link", name="制卡队列").first.click()
    await page.get_by_role("link", name="单位批量申领").first.click()
    await expect(page.get_by_role("table")).to_contain_text(batch.reference)
    await assert_accessible(page)
    await page.get_by_role("button", name=f"整批开始制卡 {batch.reference}").click()

    status = page.get_by_role("status").first
    await expect(status).to_contain_text("已为2名成员开始制卡")
    await expect(status).to_contain_text("1名成员暂未制卡")
    await expect(status).to_contain_text("APP-5")
    await screenshot(page, "91-centre-batch-started")
    assert [await _status(api, r) for r in batch.applications] == [
        "in_production",
        "in_production",
        "accepted",
    ]


async def _at_outlet(api: Api, members: int) -> UnitBatch:
    batch = await unit_batch(api, members)
    for step in ("start-production", "finish-production", "deliver-to-outlet"):
        r = await api.post(f"/api/v1/units/batches/{batch.reference}/{step}", "admin")
        assert r.status_code == 200, r.text
    return batch


async def test_the_outlet_hands_the_cards_to_the_agent_and_records_the_signed_list(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    """SPEC ISS-3, ISS-4: the agent's document is checked, the cards go to the unit with the
    distribution list (PDF), and the signed list is recorded: two handed out (collected, hr
    function active), one back to the centre's stock with its application open."""
    batch = await _at_outlet(api, 3)
    clerk = await make_staff(rt, "li.clerk", Role.OUTLET_CLERK, outlet_code=OUTLET)
    page = await _signed_in(browser, base, clerk, clock)

    await page.goto(f"{base}/counter/unit-collection")
    await assert_accessible(page)
    await page.get_by_role("link", name=batch.reference).click()
    await page.get_by_label("经办人证件类型").select_option("resident_id")
    stranger = batch.numbers[0]
    await page.get_by_label("经办人证件号码").fill(stranger)
    await page.get_by_role("button", name="交经办人领取").click()
    await expect(page.get_by_role("alert").first).to_contain_text("不属于该单位登记在册的经办人")
    assert await _status(api, batch.applications[0]) == "ready_for_collection"

    await page.get_by_label("经办人证件号码").fill(batch.agent_document["number"])
    await page.get_by_role("button", name="交经办人领取").click()
    await expect(page.get_by_role("status")).to_contain_text("卡片已交单位")
    await assert_accessible(page)
    assert [await _status(api, r) for r in batch.applications] == ["with_unit"] * 3

    link = page.get_by_role("link", name="打印单位发放明细表（PDF）")
    answer = await page.request.get(base + str(await link.get_attribute("href")))
    assert answer.status == 200, await answer.text()
    assert answer.headers["content-type"] == "application/pdf"
    text = pdf_text(await answer.body())
    assert "江苏省社会保障卡单位发放明细表" in text
    assert batch.reference in text
    assert "领卡人签名" in text
    handover = (await api.get(f"/api/v1/units/batches/{batch.reference}/handovers", "admin")).json()
    cards = [line["card_number"] for line in handover[0]["lines"]]
    for card in cards:
        assert card in text

    await page.get_by_label(f"卡号{cards[0]}的发放结果").select_option("distributed")
    await page.get_by_label(f"卡号{cards[1]}的发放结果").select_option("returned_to_stock")
    await page.get_by_label(f"卡号{cards[2]}的发放结果").select_option("distributed")
    await page.get_by_role("button", name="登记签字明细表").click()
    await expect(page.get_by_role("status")).to_contain_text("已登记签字的发放明细表")
    await expect(page.get_by_role("table")).to_contain_text("未发放，退回卡管中心")
    await assert_accessible(page)
    await screenshot(page, "92-counter-unit-list-returned")
    statuses = [await _status(api, r) for r in batch.applications]
    assert statuses == ["collected", "produced", "collected"]
    assert (await api.card_state(cards[0]))["hr_status"] == "active"
