"""The HR outlet counter, person side, in the browser (issue 12 item 2): find a person by their
document, register them, take the photo, make a first application through a guardian, hand the
card over, withdraw an application; bad input refused next to its field with nothing stored."""

from __future__ import annotations

import io
import random
import re
from datetime import date, timedelta

from PIL import Image
from playwright.async_api import Browser, Page, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from sscard.registry.photo import make_standard_photo
from tests.support.api import Api
from tests.support.console import (
    StaffMember,
    assert_accessible,
    make_staff,
    new_page,
    screenshot,
    sign_in,
)
from tests.support.numbers import citizen_number, wrong_check_digit

OUTLET = "3204-HR-002"  # Changzhou, an HR outlet that makes cards fast (5 working days)
CHILD_BIRTH = date(2017, 6, 1)  # 9 years old on 2026-11-23: a minor who needs a photo


async def _clerk(rt: Runtime, api: Api, username: str) -> StaffMember:
    clerk = await make_staff(rt, username, Role.OUTLET_CLERK, outlet_code=OUTLET)
    api.tokens[username] = clerk.token
    return clerk


def _full_width(number: str) -> str:
    """The number as a clerk might paste it: full-width digits, spaced, a lower-case x."""
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in number)
    return f"{wide[:6]} {wide[6:14]} {wide[14:]}"


def _noisy_jpeg(width: int, height: int) -> bytes:
    """A photo far from the standard: noise, wrong size, no resolution recorded, and heavy."""
    rng = random.Random(7)
    img = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


async def _find(page: Page, number: str) -> None:
    await page.get_by_label("社会保障号码或身份证号码").fill(number)
    await page.get_by_role("button", name="查找", exact=True).click()


async def test_a_minor_not_found_is_registered_and_photographed_a_bad_photo_check_by_check(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    """SPEC ID-1, ID-2 (the lookup's normalisation: full-width digits, spaces, lower-case x),
    ID-4 (a minor applies through a guardian: said before the form), APP-5 (each check of the
    photo standard shown; a failing photo is not kept, a standard one is)."""
    clerk = await _clerk(rt, api, "wu.counter")
    child_number = citizen_number(CHILD_BIRTH, female=True)
    page = await new_page(browser)
    await sign_in(page, base, clerk, clock)
    await expect(page).to_have_url(re.compile(r"/counter$"))
    await assert_accessible(page)

    # Not found: registration is offered with the number, normalised, filled in.
    await _find(page, _full_width(child_number))
    await expect(page.get_by_role("status")).to_contain_text("没有以此号码登记的人员")
    await expect(page.locator("#f-number")).to_have_value(child_number)
    await page.get_by_label("姓名（印在卡面上）").fill("王小雨")
    await assert_accessible(page)
    await screenshot(page, "10-counter-not-found-register")
    await page.get_by_role("button", name="登记", exact=True).click()

    await expect(page.get_by_role("status").first).to_contain_text("人员已登记")
    await expect(page.locator("#photo-state")).to_contain_text("尚无照片")
    await expect(page.get_by_text("申领人须由监护人或代办人代为办理")).to_be_visible()
    person_id = int(page.url.split("/counter/persons/")[1].split("?")[0])
    stored = (await api.get(f"/api/v1/persons/{person_id}", "wu.counter")).json()
    assert stored["name"] == "王**"
    assert stored["has_photo"] is False
    await expect(page.get_by_role("heading", level=1)).to_contain_text(stored["name"])
    await assert_accessible(page)

    # APP-5: a heavy, non-standard JPEG (over the form limit, under the photo's) is checked
    # item by item and not kept; a standard one is.
    await page.get_by_role("link", name="采集照片").click()
    heavy = _noisy_jpeg(640, 700)
    assert 262_144 < len(heavy) < 1_000_000
    await page.locator("#f-photo").set_input_files(
        files=[{"name": "heavy.jpg", "mimeType": "image/jpeg", "buffer": heavy}]
    )
    await page.get_by_role("button", name="检查并保存照片").click()
    results = page.get_by_role("table", name="检查结果")
    await expect(results).to_contain_text("文件大小应为15–100KB")
    await expect(results).to_contain_text("尺寸应为358×441像素，实际为640×700")
    await expect(results.get_by_role("row", name=re.compile("24位真彩色"))).to_contain_text("通过")
    await expect(results.get_by_role("row", name=re.compile("JPEG格式"))).to_contain_text("通过")
    await assert_accessible(page)
    await screenshot(page, "11-counter-photo-refused")
    assert (await api.get(f"/api/v1/persons/{person_id}", "wu.counter")).json()[
        "has_photo"
    ] is False
    # A standard JPEG sent as another kind of file is refused as the API refuses it (415).
    await page.locator("#f-photo").set_input_files(
        files=[{"name": "photo.txt", "mimeType": "text/plain", "buffer": make_standard_photo(3)}]
    )
    await page.get_by_role("button", name="检查并保存照片").click()
    await expect(page.get_by_role("alert").first).to_contain_text("image/jpeg")
    await page.locator("#f-photo").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": make_standard_photo(3)}]
    )
    await page.get_by_role("button", name="检查并保存照片").click()
    await expect(page.get_by_role("status")).to_contain_text("照片符合标准，已保存")
    await expect(page.get_by_role("button", name="检查并保存照片")).to_have_count(0)
    await expect(page.locator("#photo-state")).to_contain_text("已有符合标准的照片")
    passed = page.get_by_role("table", name="检查结果").get_by_role("row", name=re.compile("通过"))
    await expect(passed).to_have_count(7)
    assert (await api.get(f"/api/v1/persons/{person_id}", "wu.counter")).json()["has_photo"] is True


async def test_a_minor_applies_through_a_guardian_and_the_guardian_collects_the_card(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    """SPEC ID-4 (guardian with proof, recorded), APP-6 (a bank of the city's list), APP-2 and
    APP-7 (fast making: due in 5 working days, shown with the receipt), ISS-3/ISS-4 (collected
    against the recorded guardian's document: the card becomes active)."""
    clerk = await _clerk(rt, api, "qian.counter")
    child = await api.person("qian.counter", birth=CHILD_BIRTH)
    guardian_number = citizen_number(date(1988, 4, 2))
    page = await new_page(browser)
    await sign_in(page, base, clerk, clock)
    await _find(page, api.numbers[child["person_id"]])
    await expect(page.get_by_text("申领人须由监护人或代办人代为办理")).to_be_visible()
    await page.get_by_role("link", name="办理首次申领").click()
    await expect(page.get_by_text("快速制卡")).to_be_visible()
    await page.get_by_label("银行（本市合作银行，APP-6）").select_option("JSB")
    check = page.locator("#apply-check")  # the submit use case's dry run, as the form changes
    await expect(check).to_contain_text("按目前填写的内容，申领将不予受理")
    await expect(check).to_contain_text("须由法定监护人代为申领")
    await page.get_by_role("button", name="提交申领").click()  # no guardian: refused (ID-4)
    await expect(page.locator("#e-representative")).to_contain_text("须由法定监护人代为申领")
    await expect(page.get_by_label("银行（本市合作银行，APP-6）")).to_have_value("JSB")
    assert await api.count("applications") == 0
    await page.get_by_label("代办身份").select_option("guardian")
    await page.get_by_label("与申领人关系").select_option("parent")
    await page.get_by_label("监护人或代办人姓名").fill("王大明")
    await page.get_by_label("监护人或代办人证件号码").fill(guardian_number)
    await page.get_by_label("所带证明材料").select_option("household_register")
    await expect(check).to_contain_text("按目前填写的内容，可以受理申领")
    assert await api.count("applications") == 0
    await assert_accessible(page)
    await page.get_by_role("button", name="提交申领").click()

    await expect(page.get_by_role("status").first).to_contain_text("申领已受理")
    reference = (await page.locator(".reference").inner_text()).strip()
    await expect(page.get_by_text("2026-11-30")).to_be_visible()  # 5 working days (APP-7)
    receipt = page.get_by_role("link", name="申领回执单（PDF）")
    await expect(receipt).to_have_attribute(
        "href", f"/counter/applications/{reference}/receipt.pdf"
    )
    await screenshot(page, "12-counter-application-made")
    app = (await api.get(f"/api/v1/applications/{reference}", "admin")).json()
    assert (app["status"], app["bank_code"], str(app["due_date"])) == (
        "accepted",
        "JSB",
        "2026-11-30",
    )
    assert app["representative"]["role"] == "guardian"
    assert app["representative"]["name"].startswith("王")

    # The card centre makes it and delivers it to the outlet.
    for step in ("start-production", "finish-production", "deliver-to-outlet"):
        assert (await api.step(reference, step)).status_code == 200
    await page.reload()
    await expect(page.get_by_text("待领卡（已到网点）").first).to_be_visible()
    await page.get_by_role("link", name="发放卡片").click()
    await page.locator("#f-number").fill(citizen_number(date(1970, 1, 1)))  # nobody's (ISS-4)
    await page.get_by_role("button", name="发放卡片").click()
    await expect(page.locator("#e-number")).to_contain_text("不属于申领人")
    await page.locator("#f-number").fill(guardian_number)
    await assert_accessible(page)
    await page.get_by_role("button", name="发放卡片").click()

    await expect(page.get_by_role("status").first).to_contain_text("卡片已发放")
    card_number = (await api.get(f"/api/v1/applications/{reference}", "admin")).json()["card"][
        "card_number"
    ]
    cards = page.get_by_role("table")
    await expect(cards).to_contain_text(card_number)
    await expect(cards.get_by_role("link", name=card_number)).to_have_attribute(
        "href", f"/counter/cards/{card_number}"
    )
    await assert_accessible(page)
    await screenshot(page, "13-counter-card-collected")
    assert (await api.card_state(card_number))["hr_status"] == "active"


async def test_an_open_application_is_withdrawn_and_other_needs_a_note(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    """Issue 11 withdrawal (APP-7): 'other' without a note is refused next to the note and
    nothing changes; with a note the application is withdrawn. The person page warns of the
    HR credit record's entries (SPEC REP-5) and says a due date is unknown while its year's
    holiday calendar is not loaded (APP-7)."""
    clock.advance(timedelta(days=35))  # Monday 2026-12-28: due in 2027, a year not loaded
    clerk = await _clerk(rt, api, "zheng.counter")
    person = await api.person("zheng.counter")
    reference = (await api.submit(person["person_id"], "zheng.counter")).json()["reference"]
    centre = {"role": "centre_admin", "display_name": "常州卡管中心", "city_code": "3204"}
    api.tokens["centre_3204"] = (await api.post("/api/v1/actors", "admin", centre)).json()["token"]
    entry = {"kind": "malicious_repeat_exchange"}
    credit = f"/api/v1/persons/{person['person_id']}/credit-record"
    assert (await api.post(credit, "centre_3204", entry)).status_code == 201
    page = await new_page(browser)
    await sign_in(page, base, clerk, clock)
    await _find(page, api.numbers[person["person_id"]])
    await expect(page.locator(".reference")).to_have_text(reference)
    warning = page.get_by_role("region", name="人社信用记录")
    await expect(warning).to_contain_text("恶意重复补换卡 · REP-5 · 2026-12-28")
    await expect(page.get_by_text("暂不确定：须待2027年节假日安排载入后计算")).to_be_visible()
    # The lookup was the API's: the document presented at this counter is in the access log.
    log = f"/api/v1/access-log?person_id={person['person_id']}&actor_id={clerk.actor_id}"
    purposes = [e["purpose"] for e in (await api.get(log, "auditor")).json()["items"]]
    assert "document_presented" in purposes
    await page.get_by_role("link", name="撤回申领").click()
    await page.get_by_label("原因").select_option("other")
    await page.get_by_role("button", name="撤回申领").click()
    await expect(page.locator("#e-note")).to_contain_text("须填写说明")
    assert (await api.get(f"/api/v1/applications/{reference}", "admin")).json()["status"] == (
        "accepted"
    )
    await expect(page.get_by_label("原因")).to_have_value("other")
    await assert_accessible(page)
    await page.get_by_label("撤回说明").fill("申领人改在单位批量办理")
    await page.get_by_role("button", name="撤回申领").click()
    await expect(page.get_by_role("status").first).to_contain_text("申领已撤回")
    await expect(page.get_by_text("没有办理中的申领")).to_be_visible()
    await screenshot(page, "14-counter-withdrawn")
    await page.get_by_role("button", name="English").click()
    await expect(page.get_by_role("region", name="HR credit record")).to_contain_text(
        "malicious repeat exchange · REP-5"
    )
    await expect(page.get_by_text("No open application.")).to_be_visible()
    app = (await api.get(f"/api/v1/applications/{reference}", "admin")).json()
    assert app["status"] == "withdrawn"
    assert app["withdrawal"]["note"] == "申领人改在单位批量办理"


async def test_a_wrong_check_digit_and_a_control_character_are_refused_by_their_fields(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    """SPEC ID-2: a bad number is refused saying which field and why, nothing stored; a name
    with a control character likewise (issue 11); what was typed stays."""
    clerk = await _clerk(rt, api, "sun.counter")
    before = await api.counts()
    page = await new_page(browser)
    await sign_in(page, base, clerk, clock)
    await _find(page, "32049919")  # too short to be a number (ID-2)
    await expect(page.locator("#e-social_security_number")).to_be_visible()
    await expect(page.get_by_label("社会保障号码或身份证号码")).to_have_value("32049919")
    await page.get_by_role("link", name="登记新人员").click()
    bad_number = wrong_check_digit(citizen_number(date(1991, 2, 3)))
    await page.locator("#f-number").fill(bad_number)
    await page.get_by_label("姓名（印在卡面上）").fill("赵敏")
    await page.get_by_label("手机号码").fill("13912345678")
    await page.get_by_role("button", name="登记", exact=True).click()
    await expect(page.locator("#e-number")).to_contain_text("校验")
    await expect(page.locator("#f-number")).to_have_value(bad_number)
    await expect(page.get_by_label("姓名（印在卡面上）")).to_have_value("赵敏")
    await expect(page.get_by_label("手机号码")).to_have_value("13912345678")
    await assert_accessible(page)
    await screenshot(page, "15-counter-register-bad-number")

    # The same refusal in the page's language once English is chosen.
    await page.get_by_role("button", name="English").click()
    await page.locator("#f-number").fill(bad_number)
    await page.get_by_label("Name as printed on the card").fill("赵敏")
    await page.get_by_role("button", name="Register", exact=True).click()
    await expect(page.locator("#e-number")).to_contain_text("check digit is wrong")
    await page.get_by_role("button", name="中文").click()

    good_number = citizen_number(date(1991, 2, 3))
    await page.locator("#f-number").fill(good_number)
    await page.get_by_label("姓名（印在卡面上）").fill("赵\u0007敏")
    await page.get_by_role("button", name="登记", exact=True).click()
    await expect(page.locator("#e-name")).to_be_visible()
    await expect(page.locator("#f-number")).to_have_value(good_number)
    assert await api.counts() == before
    missing = await api.post(
        "/api/v1/persons/lookup", "sun.counter", {"social_security_number": good_number}
    )
    assert missing.status_code == 404


async def test_only_the_photo_form_takes_a_photo_sized_multipart_body(api: Api) -> None:
    """The guard gives the photo page (which declares multipart/form-data) the photo's limit;
    any other page's form keeps the form limit (SSCARD_MAX_BODY_BYTES), unread past it."""
    heavy = {"photo": ("heavy.jpg", _noisy_jpeg(640, 700), "image/jpeg")}
    other = await api.client.post("/counter/register", files=heavy)
    assert other.status_code == 413
    photo = await api.client.post("/counter/persons/1/photo", files=heavy)
    assert photo.status_code == 303  # read, then sent to sign in: no session
    assert "/signin" in photo.headers["location"]
