"""The printed documents downloaded in the browser after sign-in (issue 12 item 3): the
application receipt, the financial-account closure notice and the temporary medical card, each
rendered to PNG (docs/screenshots/40-42, 44) and read back; refused as the API refuses them.

One clerk signs in once and prints all three (a sign-in hashes and checks an argon2id password
and a TOTP code: a few seconds each); the records of other outlets and cities they try are
prepared through the API by those outlets' own clerks.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from PIL import Image
from playwright.async_api import APIResponse, Browser, Page, expect

from sscard.kernel.actor import Role
from sscard.kernel.clock import ManualClock
from sscard.kernel.runtime import Runtime
from tests.integration.applications.renewal.helpers import collect
from tests.support.api import Api
from tests.support.console import (
    SCREENSHOTS,
    StaffMember,
    assert_accessible,
    make_staff,
    new_page,
    outside_requests,
    record_outside,
    screenshot,
    sign_in,
)
from tests.support.numbers import citizen_number
from tests.unit.web.test_documents import pdf_text, qr_texts, rasterise

DEATH = {
    "reason": "death",
    "card_presented": True,
    "police_certificate_number": "常公证字2026第0815号",
    "representative": {
        "name": "李家属",
        "relationship": "spouse",
        "document": {"type": "resident_id", "number": citizen_number(date(1962, 5, 5))},
    },
}


async def staff(rt: Runtime, api: Api, username: str, role: Role, **binding: str) -> StaffMember:
    """An enrolled staff member whose API token prepares data as the same actor."""
    member = await make_staff(rt, username, role, **binding)
    api.tokens[username] = member.token
    return member


async def signed_in(browser: Browser, base: str, who: StaffMember, clock: ManualClock) -> Page:
    page = await new_page(browser)
    record_outside(page, base)
    await sign_in(page, base, who, clock)
    return page


async def pdf_of(page: Page, url: str) -> bytes:
    """Download a form with the browser's session; it is a PDF nobody caches."""
    answer: APIResponse = await page.request.get(url)
    assert answer.status == 200, await answer.text()
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["cache-control"] == "no-store"
    return await answer.body()


def looked_at(document: bytes, name: str) -> Image.Image:
    """The first page as poppler draws it, kept as docs/screenshots/<name>.png."""
    page = rasterise(document)
    if os.environ.get("SSCARD_SCREENSHOTS") == "1":  # `make screenshots`
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.save(SCREENSHOTS / f"{name}.png", optimize=True)
    return page


def day_zh(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


async def refused(page: Page, url: str, status: int, words: str) -> None:
    answer = await page.request.get(url)
    assert answer.status == status
    assert answer.headers["content-type"].startswith("text/html")
    assert words in await answer.text()


async def cancelled_card(api: Api, clerk: str, **person: Any) -> dict[str, Any]:
    """A collected card, then cancelled after its holder's death at `clerk`'s counter (CAN-4)."""
    card = await api.card(as_=clerk, **person)
    r = await api.card_post(card["card_number"], "cancel", clerk, DEATH)
    assert r.status_code == 201, r.text
    return {**card, "cancellation": r.json()}


async def replacement_with_temporary_card(api: Api, clerk: str) -> dict[str, Any]:
    """A card formally lost at a bank, its replacement applied for at `clerk`'s counter, and the
    temporary medical card issued there meanwhile (REP-1)."""
    card = await api.card(as_=clerk)
    lost = await api.card_post(card["card_number"], "formal-loss", "clerk_nanjing_bank")
    assert lost.status_code == 200, lost.text
    replacement = await api.card_post(card["card_number"], "replacement", clerk, {})
    assert replacement.status_code == 201, replacement.text
    path = f"/api/v1/persons/{card['person_id']}/temporary-medical-cards"
    issued = await api.post(path, clerk)
    assert issued.status_code == 201, issued.text
    return {**card, "replacement": replacement.json(), "temporary": issued.json(), "path": path}


async def test_a_clerk_prints_each_document_the_counter_hands_out(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    """SPEC ISS-3, APP-7, CAN-3, REP-1, ID-6: the receipt, the closure notice and the temporary
    medical card, each read back as a reader sees it; what the API refuses the clerk is refused
    here too, in the same words (issue 11)."""
    clerk = await staff(rt, api, "clerk.zhou", Role.OUTLET_CLERK, outlet_code="3204-HR-002")
    applied = await api.applied(as_=clerk.username)  # a fast outlet: due in 5 working days
    cancelled = await cancelled_card(api, clerk.username)
    waiting = await replacement_with_temporary_card(api, clerk.username)
    # Records of another outlet of the city, and of another city.
    other_application = await api.applied(as_="clerk_other")
    other_temporary = await replacement_with_temporary_card(api, "clerk_other")
    suzhou = await cancelled_card(api, "clerk_suzhou", city_code="3205")
    page = await signed_in(browser, base, clerk, clock)

    # The application receipt (回执单): the reference as a QR code, the due date (APP-7).
    reference = applied["reference"]
    document = await pdf_of(page, f"{base}/counter/applications/{reference}/receipt.pdf")
    assert qr_texts(looked_at(document, "40-receipt")) == [reference]
    text = pdf_text(document)
    assert applied["due_date"] == "2026-11-30"
    for shown in (
        "江苏省社会保障卡申领回执单",
        reference,
        "2026年11月30日",
        "快速制卡",
        "中国工商银行",
        applied["person"]["name"],
        applied["person"]["ssn"],
        "本人有效身份证件原件和本回执",
    ):
        assert shown in text, shown
    assert api.numbers[applied["person_id"]] not in text  # ID-6: never the full number

    # The closure notice (金融销户通知书) by the card's number: the API's own form (CAN-3).
    number = cancelled["card_number"]
    notice = cancelled["cancellation"]
    document = await pdf_of(page, f"{base}/counter/cards/{number}/closure-notice.pdf")
    assert (await api.get(notice["notice"]["pdf"], clerk.username)).content == document
    looked_at(document, "41-closure-notice")
    text = pdf_text(document)
    for shown in ("金融销户通知书", notice["reference"], number, "2026年11月23日"):
        assert shown in text, shown
    assert cancelled["document"]["number"] not in text

    # The temporary medical card (临时医保卡): its number as a QR code, the new card's due date.
    temporary = waiting["temporary"]["number"]
    url = f"{base}/counter/temporary-medical/{temporary}.pdf"
    document = await pdf_of(page, url)
    assert qr_texts(looked_at(document, "42-temporary-medical-card")) == [temporary]
    text = pdf_text(document)
    due = day_zh(waiting["replacement"]["due_date"])
    for shown in ("临时医保卡", temporary, waiting["replacement"]["reference"], due, "补领"):
        assert shown in text, shown
    log = await api.get(f"/api/v1/access-log?actor_id={clerk.actor_id}", "auditor")
    reads = [(e["subject_kind"], e["subject_key"]) for e in log.json()["items"]]
    assert ("temporary_medical_card", temporary) in reads  # ID-6: the read is attributable

    # Refused as the API refuses: another outlet's application, a card never cancelled, another
    # city's notice, a temporary card of a person who never showed this counter their document.
    for path, words in (
        (f"/api/v1/applications/{other_application['reference']}", "申领不存在"),
        (suzhou["cancellation"]["notice"]["pdf"], "注销记录不存在"),
        (other_temporary["path"], "人员不存在"),  # the API reads them by person
    ):
        r = await api.get(path, clerk.username)
        assert (r.status_code, r.json()["detail_zh"]) == (404, words), path
    other_temporary_number = other_temporary["temporary"]["number"]
    for path, words in (
        (f"/counter/applications/{other_application['reference']}/receipt.pdf", "申领不存在"),
        ("/counter/applications/SQ32042026112399999999/receipt.pdf", "申领不存在"),
        (f"/counter/cards/{suzhou['card_number']}/closure-notice.pdf", "注销记录不存在"),
        (f"/counter/cards/{waiting['card_number']}/closure-notice.pdf", "注销记录不存在"),
        (f"/counter/temporary-medical/{other_temporary_number}.pdf", "临时医保卡不存在"),
        ("/counter/temporary-medical/LS32042699999999.pdf", "临时医保卡不存在"),
    ):
        await refused(page, f"{base}{path}", 404, words)
    answer = await page.goto(
        f"{base}/counter/applications/{other_application['reference']}/receipt.pdf"
    )
    assert answer is not None
    assert answer.status == 404
    await expect(page.get_by_role("alert")).to_contain_text("申领不存在")
    await assert_accessible(page)
    await screenshot(page, "43-document-refused")

    # Once the new card is collected the temporary card ends, and prints as ended (REP-1).
    await collect(api, waiting["replacement"]["reference"], waiting["document"], clerk.username)
    ended = await pdf_of(page, url)
    looked_at(ended, "44-temporary-medical-card-ended")
    assert "本卡已于2026年11月23日失效" in pdf_text(ended)
    assert outside_requests(page) == []


async def test_a_city_centre_prints_its_closure_notices_but_no_counter_receipt(
    rt: Runtime, clock: ManualClock, api: Api, browser: Browser, base: str
) -> None:
    """SPEC CAN-3, CH-1: the city's centre prints a closure notice of its city, as the API lets
    it; the receipt and the temporary medical card are the counter's, refused to another desk."""
    cancelled = await cancelled_card(api, "clerk_instant")
    admin = await staff(rt, api, "centre.he", Role.CENTRE_ADMIN, city_code="3204")
    page = await signed_in(browser, base, admin, clock)
    number = cancelled["card_number"]
    document = await pdf_of(page, f"{base}/counter/cards/{number}/closure-notice.pdf")
    assert cancelled["cancellation"]["reference"] in pdf_text(document)
    for path in (
        f"/counter/applications/{cancelled['reference']}/receipt.pdf",
        "/counter/temporary-medical/LS32042600000001.pdf",
    ):
        await refused(page, f"{base}{path}", 403, "您的角色不能使用此页面")
