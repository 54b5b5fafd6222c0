"""The HR outlet counter's card procedures in the browser (issue 12 item 2): the card page,
replacement, exchange, temporary medical card, hr password on the PIN pad, city transfer in two
steps, cancellation with its checklist. Each journey starts from sign-in and checks both what
the clerk sees and what was stored."""

from __future__ import annotations

from datetime import date
from typing import Any

from playwright.async_api import Browser, Page, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.support.api import Api
from tests.support.console import (
    StaffMember,
    assert_accessible,
    make_staff,
    new_page,
    outside_requests,
    record_outside,
    screenshot,
    sign_in,
)
from tests.support.numbers import citizen_number, wrong_check_digit

CHANGZHOU_HR = "3204-HR-001"  # instant making, every HR operation


async def _clerk(rt: Runtime, api: Api, username: str, outlet: str = CHANGZHOU_HR) -> StaffMember:
    clerk = await make_staff(rt, username, Role.OUTLET_CLERK, outlet_code=outlet)
    api.tokens[clerk.username] = clerk.token
    return clerk


async def _signed_in(browser: Browser, base: str, clerk: StaffMember, clock: ManualClock) -> Page:
    page = await new_page(browser)
    record_outside(page, base)
    await sign_in(page, base, clerk, clock)
    return page


async def _state(api: Api, number: str) -> dict[str, Any]:
    return await api.card_state(number)


async def test_replacement_after_a_formal_loss(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC REP-1, LOSS-4: refused before the form while the card is active (dry run), accepted
    after a formal loss at the bank; the old card is superseded, the new one made on the spot."""
    clerk = await _clerk(rt, api, "qian.bu")
    card = await api.card(clerk.username)
    n = card["card_number"]
    page = await _signed_in(browser, base, clerk, clock)

    await page.goto(f"{base}/counter/cards/{n}")
    await expect(page.get_by_role("heading", name=f"卡片 {n}")).to_be_visible()
    await expect(page.locator(".facts")).to_contain_text("正常")
    await expect(page.get_by_role("link", name="人员页面")).to_have_attribute(
        "href", f"/counter/persons/{card['person_id']}"
    )
    await assert_accessible(page)
    await page.get_by_role("link", name="补卡").click()
    # SPEC REP-1: shown before anything is sent, from the use case itself.
    await expect(page.locator(".unmet")).to_contain_text("补卡须先办理正式挂失")
    await expect(page.locator(".unmet")).to_contain_text("REP-1")
    await assert_accessible(page)

    r = await api.card_post(n, "formal-loss", "clerk_nanjing_bank")
    assert r.status_code == 200, r.text
    await page.reload()
    await expect(page.locator(".unmet")).to_have_count(0)
    await page.get_by_role("button", name="受理补卡").click()
    await expect(page.get_by_role("heading", name="补卡已受理")).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text("待领取")
    await assert_accessible(page)
    await screenshot(page, "30-counter-card-replacement")

    assert (await _state(api, n))["hr_status"] == "superseded"
    person = (await api.get(f"/api/v1/persons/{card['person_id']}", "admin")).json()
    assert person["open_application"] is not None
    # LOSS-4 / CAN-2: the old card is dead; its password and its cancellation say why first.
    await page.goto(f"{base}/counter/cards/{n}/hr-password")
    await expect(page.locator(".unmet").first).to_be_visible()
    await page.goto(f"{base}/counter/cards/{n}/cancellation")
    await expect(page.locator(".unmet")).to_contain_text(person["open_application"])
    await assert_accessible(page)
    assert outside_requests(page) == []


async def test_exchange_for_damage_with_the_old_card_handed_in(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC REP-2a, REP-3: each reason shows what stands in its way (no new photo yet); an
    exchange without the old card is refused next to its box, nothing stored; then accepted."""
    clerk = await _clerk(rt, api, "sun.huan")
    card = await api.card(clerk.username)
    n = card["card_number"]
    page = await _signed_in(browser, base, clerk, clock)
    await page.goto(f"{base}/counter/cards/{n}")
    await page.get_by_role("link", name="换卡").click()
    await expect(page.get_by_role("heading", name="申请换卡")).to_be_visible()
    # SPEC REP-2a: a new-photo exchange needs the new photo first; the dry run says so.
    photo = page.locator(".reason").filter(has_text="更换照片")
    await expect(photo.locator(".unmet")).to_contain_text("须先采集新照片")
    damage = page.locator(".reason").filter(has_text="持卡人损坏")
    await expect(damage.locator(".badge.ok")).to_have_text("现在可办理")
    await assert_accessible(page)

    await page.get_by_label("持卡人损坏").check()
    await page.get_by_role("button", name="受理换卡").click()
    await expect(page.locator("#e-old_card_returned")).to_contain_text("换卡须交回旧卡")
    await expect(page.get_by_label("持卡人损坏")).to_be_checked()
    await assert_accessible(page)
    assert (await _state(api, n))["hr_status"] == "active"  # nothing stored

    await page.get_by_label("已交回旧卡").check()
    await page.get_by_role("button", name="受理换卡").click()
    await expect(page.get_by_role("heading", name="换卡已受理")).to_be_visible()
    await screenshot(page, "31-counter-card-exchange")
    assert (await _state(api, n))["hr_status"] == "superseded"
    person = (await api.get(f"/api/v1/persons/{card['person_id']}", "admin")).json()
    assert person["open_application"] is not None
    assert outside_requests(page) == []


async def test_temporary_medical_card_while_the_new_card_is_made(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC REP-1: only while a replacement or exchange is made (shown before sending); issued
    once, with the link to print it by the number the use case returned."""
    clerk = await _clerk(rt, api, "li.lin")
    card = await api.card(clerk.username)
    n = card["card_number"]
    page = await _signed_in(browser, base, clerk, clock)
    await page.goto(f"{base}/counter/cards/{n}/temporary-medical")
    await expect(page.locator(".unmet")).to_contain_text("临时医保卡仅在补卡或换卡制卡期间发放")
    await assert_accessible(page)

    r = await api.card_post(
        n, "exchange", clerk.username, {"reason": "damage", "old_card_returned": True}
    )
    assert r.status_code == 201, r.text
    await page.reload()
    await expect(page.locator(".unmet")).to_have_count(0)
    await page.get_by_role("button", name="发放临时医保卡").click()
    await expect(page.get_by_role("status")).to_contain_text("临时医保卡已发放")
    issued = (
        await api.get(
            f"/api/v1/persons/{card['person_id']}/temporary-medical-cards", clerk.username
        )
    ).json()
    assert [t["status"] for t in issued] == ["valid"]
    number = issued[0]["number"]
    await expect(page.get_by_role("link", name="打印临时医保卡（PDF）")).to_have_attribute(
        "href", f"/counter/temporary-medical/{number}.pdf"
    )
    await assert_accessible(page)
    await screenshot(page, "32-counter-temporary-medical")
    assert outside_requests(page) == []


async def _press(page: Page, form: str, digits: str) -> None:
    pad = page.locator(f"form:has(input[name=mode][value={form}]) [data-pinpad]")
    for d in digits:
        await pad.get_by_role("button", name=d, exact=True).click()


async def test_hr_password_set_and_changed_on_the_pin_pad(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC PWD-1..3: set against the holder's ID, a weak one refused next to its field; then
    changed with the old one, all on the pad. The digits are never in a page after the POST,
    and the API verifies the new password."""
    clerk = await _clerk(rt, api, "zhou.mi")
    card = await api.card(clerk.username)
    n, document = card["card_number"], card["document"]
    page = await _signed_in(browser, base, clerk, clock)
    await page.goto(f"{base}/counter/cards/{n}")
    await page.get_by_role("link", name="社保密码").click()
    await expect(page.get_by_role("heading", name="设置社保密码")).to_be_visible()
    await expect(page.locator("[data-pinpad]")).to_be_visible()  # pinpad.js shows the pad
    await assert_accessible(page)

    await page.get_by_label("持卡人证件号码").fill(document["number"])
    await page.get_by_label("新社保密码（6位数字）").focus()
    await _press(page, "set", "777777777777")  # the pad moves on to the second input
    await page.get_by_role("button", name="设置密码").click()
    await expect(page.locator("#set-e-new_password")).to_contain_text("同一数字重复")
    await expect(page.get_by_label("持卡人证件号码")).to_have_value(document["number"])
    assert "777777" not in await page.content()
    assert not (await _password_state(api, n, clerk))["password_set"]
    await assert_accessible(page)

    await page.get_by_label("新社保密码（6位数字）").focus()
    await _press(page, "set", "582917582917")
    await page.get_by_role("button", name="设置密码").click()
    await expect(page.get_by_role("status")).to_contain_text("社保密码已设置")
    assert "582917" not in await page.content()

    await page.get_by_label("原社保密码").focus()
    await _press(page, "change", "582917640318640318")
    await page.get_by_role("button", name="修改密码").click()
    await expect(page.get_by_role("status")).to_contain_text("社保密码已修改")
    html = await page.content()
    assert "582917" not in html
    assert "640318" not in html
    assert "640318" not in page.url
    await assert_accessible(page)
    await screenshot(page, "33-counter-hr-password")

    r = await api.card_post(n, "hr-password/verify", clerk.username, {"password": "640318"})
    assert r.status_code == 200, r.text
    assert r.json()["verified"] is True
    assert outside_requests(page) == []


async def _password_state(api: Api, number: str, clerk: StaffMember) -> dict[str, Any]:
    r = await api.get(f"/api/v1/cards/{number}/hr-password", clerk.username)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_city_transfer_in_two_steps_by_two_cities(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC JUR-1: step 1 at the outgoing city (Changzhou) with certificate and ID, step 2 at an
    outlet of the new city (Nantong); each step's refusal is shown before it is sent."""
    outgoing = await _clerk(rt, api, "wu.chu")
    incoming = await _clerk(rt, api, "zheng.ru", "3206-HR-001")
    card = await api.card(outgoing.username)
    n = card["card_number"]
    page = await _signed_in(browser, base, outgoing, clock)
    await page.goto(f"{base}/counter/cards/{n}")
    await page.get_by_role("link", name="跨市转移").click()
    step2 = page.locator("section").filter(has_text="第二步")
    await expect(step2.locator(".unmet")).to_contain_text("该卡没有待重置的社保数据")
    await assert_accessible(page)

    await page.get_by_label("转入城市").select_option("3206")
    await page.get_by_label("社会保险关系转移凭证编号").fill("AB")
    await page.get_by_label("持卡人证件号码").fill(card["document"]["number"])
    await page.get_by_role("button", name="变更城市").click()
    await expect(page.locator("#e-transfer_certificate_number")).to_contain_text("转移凭证编号")
    await expect(page.get_by_label("转入城市")).to_have_value("3206")
    assert (await _state(api, n))["city_code"] == "3204"
    await page.get_by_label("社会保险关系转移凭证编号").fill("ZY-2026-000123")
    await page.get_by_role("button", name="变更城市").click()
    await expect(page.locator(".notice")).to_contain_text("卡管属地已变更")
    assert (await _state(api, n))["city_code"] == "3206"

    await api.present(card["person_id"], as_=incoming.username)
    second = await _signed_in(browser, base, incoming, clock)
    await second.goto(f"{base}/counter/cards/{n}/transfer")
    await expect(second.locator(".facts")).to_contain_text("待在转入地重置社保数据")
    await expect(
        second.locator("section").filter(has_text="第二步").locator(".unmet")
    ).to_have_count(0)
    await second.get_by_role("button", name="重置社保数据").click()
    await expect(second.locator(".notice")).to_contain_text("转移办结")
    await assert_accessible(second)
    await screenshot(second, "34-counter-city-transfer")
    history = (await api.get(f"/api/v1/cards/{n}/history", "admin")).json()
    assert [h["event"] for h in history][-2:] == ["change_city", "reset_social_data"]
    assert outside_requests(page) == []
    assert outside_requests(second) == []


async def test_cancellation_for_a_transfer_out_of_the_province_with_its_checklist(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC CAN-1, CAN-3, CAN-4, JUR-2: the reason's documents are listed; a missing one is
    refused next to its field with nothing stored; then the card is cancelled and the closure
    notice is linked."""
    clerk = await _clerk(rt, api, "feng.xu")
    card = await api.card(clerk.username)
    n = card["card_number"]
    page = await _signed_in(browser, base, clerk, clock)
    await page.goto(f"{base}/counter/cards/{n}/cancellation")
    await page.get_by_label("原因").select_option("transfer_out_of_province")
    await page.get_by_role("button", name="显示所需材料").click()
    checklist = page.locator(".checklist")
    await expect(checklist).to_contain_text("持卡人本人有效身份证件")
    await expect(checklist).to_contain_text("社会保险关系转移证明（编号）")
    await expect(checklist).to_contain_text("需注销的社会保障卡")
    await assert_accessible(page)

    await page.get_by_label("已交回社会保障卡").check()
    await page.get_by_label("证件号码").fill(card["document"]["number"])
    await page.get_by_role("button", name="注销社会保障卡").click()
    await expect(page.locator("#e-transfer_certificate_number")).to_contain_text(
        "社会保险关系转移证明"
    )
    await expect(page.get_by_label("证件号码")).to_have_value(card["document"]["number"])
    assert (await _state(api, n))["hr_status"] == "active"
    await assert_accessible(page)

    await page.get_by_label("社会保险关系转移凭证编号").fill("ZY-2026-000777")
    await page.get_by_role("button", name="注销社会保障卡").click()
    await expect(page.get_by_role("status")).to_contain_text("社会保障卡已注销")
    await expect(page.get_by_role("link", name="打印金融销户通知书（PDF）")).to_have_attribute(
        "href", f"/counter/cards/{n}/closure-notice.pdf"
    )
    await assert_accessible(page)
    await screenshot(page, "35-counter-cancellation")
    assert (await _state(api, n))["hr_status"] == "cancelled"
    notices = (await api.get(f"/api/v1/cancellations?card_number={n}", clerk.username)).json()
    assert [i["reason"] for i in notices["items"]] == ["transfer_out_of_province"]
    assert outside_requests(page) == []


async def test_upgrade_from_a_second_generation_card(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC GEN-3, APP-5: a missing photo is shown before sending; an old card number with a
    stray character is refused next to its field, nothing stored; then accepted."""
    clerk = await _clerk(rt, api, "chu.sheng")
    person = await api.person(clerk.username, photo=False)
    p = person["person_id"]
    page = await _signed_in(browser, base, clerk, clock)
    await page.goto(f"{base}/counter/persons/{p}/upgrade")
    await expect(page.locator(".unmet")).to_contain_text("须提供符合标准的照片")
    assert (await api.put_photo(p, clerk.username)).status_code == 200
    await page.reload()
    await expect(page.locator(".unmet")).to_have_count(0)
    await assert_accessible(page)

    await page.get_by_label("新卡合作银行").select_option("ICBC")
    await page.get_by_label("旧卡卡号").fill("6222-0212")
    await page.get_by_label("发卡城市").select_option("3204")
    await page.get_by_label("旧卡银行", exact=True).select_option("ICBC")
    await page.get_by_label("已携带旧卡").check()
    await page.get_by_role("button", name="受理升级换代").click()
    await expect(page.locator("#e-old_card_number")).to_be_visible()
    await expect(page.get_by_label("旧卡卡号")).to_have_value("6222-0212")
    await assert_accessible(page)
    assert (await api.get(f"/api/v1/persons/{p}", "admin")).json()["open_application"] is None

    await page.get_by_label("旧卡卡号").fill("6222021234567890")
    await page.get_by_role("button", name="受理升级换代").click()
    await expect(page.get_by_role("heading", name="升级换代已受理")).to_be_visible()
    await screenshot(page, "36-counter-upgrade")
    reference = (await api.get(f"/api/v1/persons/{p}", "admin")).json()["open_application"]
    app = (await api.get(f"/api/v1/applications/{reference}", "admin")).json()
    assert app["kind"] == "upgrade"
    assert outside_requests(page) == []


async def test_locked_hr_password_reset_without_scripts(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC PWD-3: a password locked after wrong tries cannot be changed (shown before sending);
    it is reset with the holder's ID. Without the service's scripts the pad stays hidden and
    the digits are typed into plain password inputs; they are in no page after the POST."""
    clerk = await _clerk(rt, api, "he.suo")
    card = await api.card(clerk.username)
    n, document = card["card_number"], card["document"]
    r = await api.call(
        "PUT",
        f"/api/v1/cards/{n}/hr-password",
        clerk.username,
        {"new_password": "582917", "document": document},
    )
    assert r.status_code == 200, r.text
    verify = f"/api/v1/cards/{n}/hr-password/verify"
    for _ in range(5):
        await api.post(verify, clerk.username, {"password": "418263"})
    assert (await _password_state(api, n, clerk))["locked"]

    page = await new_page(browser)
    record_outside(page, base)
    # None of the service's scripts runs (axe itself needs the page's JavaScript engine).
    await page.route("**/*.js", lambda route: route.abort())
    await sign_in(page, base, clerk, clock)
    await page.goto(f"{base}/counter/cards/{n}/hr-password")
    change = page.locator("section").filter(has_text="修改社保密码")
    await expect(change.locator(".unmet")).to_contain_text("社保密码已因连续输错被锁定")
    await expect(page.locator("[data-pinpad]").first).to_be_hidden()
    await assert_accessible(page)

    reset = page.locator("form").filter(has=page.locator("input[name=mode][value=reset]"))
    await reset.get_by_label("持卡人证件号码").fill(document["number"])
    await reset.get_by_label("新社保密码（6位数字）").fill("640318")
    await reset.get_by_label("再次输入新社保密码").fill("640318")
    await reset.get_by_role("button", name="重置密码").click()
    await expect(page.get_by_role("status").first).to_contain_text("社保密码已重置并解锁")
    assert "640318" not in await page.content()
    await screenshot(page, "37-counter-hr-password-reset")

    state = await _password_state(api, n, clerk)
    assert not state["locked"]
    r = await api.post(verify, clerk.username, {"password": "640318"})
    assert r.json()["verified"] is True
    assert outside_requests(page) == []


async def test_a_guardian_applies_for_a_minor_s_replacement(
    rt: Runtime, clock: ManualClock, browser: Browser, base: str, api: Api
) -> None:
    """SPEC ID-4 on a card form (replacement, REP-1): a minor's replacement is made through a
    legal guardian with proof; said before the form, refused next to the guardian's inputs
    without one (nothing stored, what was typed kept), and the guardian is recorded."""
    clerk = await _clerk(rt, api, "zhou.jian")
    child = (await api.person(clerk.username, birth=date(2017, 6, 1)))["person_id"]
    guardian = {"type": "resident_id", "number": citizen_number(date(1988, 4, 2))}
    rep = {"role": "guardian", "relationship": "parent", "name": "王大明"}
    rep |= {"proof": "household_register", "document": guardian}
    r = await api.submit(child, clerk.username, "ICBC", representative=rep)
    assert r.status_code == 201, r.text
    r = await api.post(
        f"/api/v1/applications/{r.json()['reference']}/collect",
        clerk.username,
        {"document": guardian},
    )
    assert r.status_code == 200, r.text
    n = r.json()["card"]["card_number"]
    page = await _signed_in(browser, base, clerk, clock)
    # While a guardian is wanted, no exchange reason is said to be possible (what each reason
    # needs is checked after the guardian; found by the fresh-user session).
    await page.goto(f"{base}/counter/cards/{n}/exchange")
    await expect(page.get_by_text("该申领人须由法定监护人持监护关系证明代为申领")).to_be_visible()
    await expect(page.get_by_text("现在可办理")).to_have_count(0)
    assert (await api.card_post(n, "formal-loss", "clerk_nanjing_bank")).status_code == 200
    await page.goto(f"{base}/counter/cards/{n}/replacement")
    await expect(page.get_by_text("该申领人须由法定监护人持监护关系证明代为申领")).to_be_visible()
    await expect(page.locator(".unmet")).to_have_count(0)  # the form supplies the guardian
    await assert_accessible(page)

    await page.get_by_role("button", name="受理补卡").click()  # nobody acting: refused (ID-4)
    await expect(page.locator("#e-representative_name")).to_contain_text("须由法定监护人代为申领")
    before = await api.count("applications")
    await page.get_by_label("代办身份").select_option("guardian")
    await page.get_by_label("与申领人关系").select_option("parent")
    await page.get_by_label("监护人或代办人姓名").fill("王大明")
    await page.get_by_label("监护人或代办人证件号码").fill(wrong_check_digit(guardian["number"]))
    await page.get_by_label("所带证明材料").select_option("household_register")
    await page.get_by_role("button", name="受理补卡").click()  # a wrong check digit: refused
    await expect(page.locator("#e-representative_document_number")).to_be_visible()
    await expect(page.get_by_label("监护人或代办人姓名")).to_have_value("王大明")
    assert await api.count("applications") == before
    await page.get_by_label("监护人或代办人证件号码").fill(guardian["number"])
    await assert_accessible(page)
    await page.get_by_role("button", name="受理补卡").click()
    await expect(page.get_by_role("heading", name="补卡已受理")).to_be_visible()

    person = (await api.get(f"/api/v1/persons/{child}", "admin")).json()
    app = (await api.get(f"/api/v1/applications/{person['open_application']}", "admin")).json()
    assert (app["representative"]["role"], app["representative"]["relationship"]) == (
        "guardian",
        "parent",
    )
    assert app["representative"]["name"].startswith("王")
    assert outside_requests(page) == []
