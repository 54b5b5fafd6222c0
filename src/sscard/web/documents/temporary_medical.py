"""The temporary medical card (临时医保卡) printed while a replacement or exchange is made.

SPEC REP-1: during the wait for the new card the holder gets a temporary medical card at an
outlet; it ends when the new card is collected. The card itself has the size of a bank card (ISO/IEC
7810 ID-1, 85.6 × 54 mm), drawn on an A4 sheet with a cutting frame, its number as text and as a
QR code; the rules of its use are printed below it. Only the masked holder goes on it (ID-6):
the holder shows their own ID with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from sscard.kernel.clock import business_date
from sscard.registry.reference.entities import City, Outlet
from sscard.web.documents import pdf

TITLE: Final = "临时医保卡"
ISSUER: Final = "江苏省社会保障卡"
SUBJECT: Final = "Temporary medical card"
NOTES_TITLE: Final = "临时医保卡使用须知"
CARD_WIDTH: Final = 85.6 * mm  # ISO/IEC 7810 ID-1
CARD_HEIGHT: Final = 53.98 * mm
BAND: Final = Color(0.11, 0.36, 0.62)
VALID_ZH: Final = {"valid": "有效", "ended": "已失效"}


@dataclass(frozen=True)
class TemporaryMedicalCard:
    """What the card says; the holder is masked."""

    number: str
    status: str  # valid | ended
    issued_at: datetime
    ended_at: datetime | None
    holder_name: str
    holder_ssn: str
    city_name: str
    outlet_name: str
    outlet_phone: str | None
    application_reference: str
    application_kind: str
    due_date: date | None
    due_waits_for_year: int | None


def from_view(card: Mapping[str, Any], outlet: Outlet, city: City) -> TemporaryMedicalCard:
    """The form of a card as its read use case answers it
    (applications.temporary_medical.service.card_of_number)."""
    return TemporaryMedicalCard(
        number=card["number"],
        status=card["status"],
        issued_at=card["issued_at"],
        ended_at=card["ended_at"],
        holder_name=card["holder"]["name"],
        holder_ssn=card["holder"]["ssn"],
        city_name=city.name_zh,
        outlet_name=outlet.name_zh,
        outlet_phone=outlet.phone,
        application_reference=card["application_reference"],
        application_kind=card["application_kind"],
        due_date=card["application_due_date"],
        due_waits_for_year=card["due_waits_for_calendar_year"],
    )


def card_rows(card: TemporaryMedicalCard) -> list[tuple[str, str]]:
    """The lines on the card's face."""
    return [
        ("姓　　名", card.holder_name),
        ("社保号码", card.holder_ssn),
        ("参保城市", card.city_name),
        ("发卡日期", pdf.day_zh(business_date(card.issued_at))),
        ("有 效 期", "至新社会保障卡领取之日"),
        ("发卡网点", card.outlet_name),
    ]


def notes(card: TemporaryMedicalCard) -> list[str]:
    """The rules of its use (SPEC REP-1, APP-7), printed under the card."""
    kind = pdf.KIND_ZH.get(card.application_kind, card.application_kind)
    out = [
        f"本卡在持卡人{kind}社会保障卡制卡期间使用，用于医保就医和购药结算，"
        "就医时须同时出示本人有效身份证件。",
        f"对应申领编号：{card.application_reference}；"
        f"新卡预计领卡日期：{pdf.due_zh(card.due_date, card.due_waits_for_year)}。",
        "新社会保障卡领取之日起本卡自动失效，请勿继续使用。",
        "本卡不具备金融功能，不能用于存取款或消费。",
        "本卡遗失的，请及时到发卡网点办理"
        + (f"（电话：{card.outlet_phone}）" if card.outlet_phone else "")
        + "；详询12333。",
    ]
    if card.status != "valid" and card.ended_at is not None:
        out.insert(0, f"本卡已于{pdf.day_zh(business_date(card.ended_at))}失效。")
    return out


def _face(page: Canvas, card: TemporaryMedicalCard, x: float, y: float) -> None:
    """The card's face with its lower left corner at (x, y)."""
    band = 11 * mm
    page.saveState()
    page.setFillColor(BAND)
    page.roundRect(x, y + CARD_HEIGHT - band, CARD_WIDTH, band, 0, stroke=0, fill=1)
    page.setFillColor(Color(1, 1, 1))
    page.setFont(pdf.FONT, 7)
    page.drawString(x + 4 * mm, y + CARD_HEIGHT - 4.5 * mm, ISSUER)
    page.setFont(pdf.FONT, 13)
    page.drawString(x + 4 * mm, y + CARD_HEIGHT - 9.5 * mm, TITLE)
    page.setFont(pdf.FONT, 7)
    page.drawRightString(x + CARD_WIDTH - 3 * mm, y + CARD_HEIGHT - 9.5 * mm, card.number)
    page.restoreState()

    qr = 23 * mm
    pdf.draw_qr(page, card.number, x + CARD_WIDTH - qr - 2 * mm, y + 9 * mm, qr)
    page.setFillColor(black)
    page.setFont(pdf.FONT, 6.5)
    line_y = y + CARD_HEIGHT - band - 5 * mm
    text_width = CARD_WIDTH - qr - 9 * mm
    for label, value in card_rows(card):
        page.drawString(x + 4 * mm, line_y, label)
        for line in pdf.wrap(value, 6.5, text_width - 13 * mm):
            page.drawString(x + 17 * mm, line_y, line)
            line_y -= 3.6 * mm
        line_y -= 0.6 * mm
    page.setFont(pdf.FONT, 6)
    page.drawString(x + 4 * mm, y + 3 * mm, f"卡号 {card.number}")
    page.drawRightString(x + CARD_WIDTH - 3 * mm, y + 3 * mm, "医保服务热线 12393")
    page.setLineWidth(0.6)
    page.roundRect(x, y, CARD_WIDTH, CARD_HEIGHT, 3 * mm)
    if card.status != "valid":
        pdf.stamp(page, VALID_ZH.get(card.status, card.status), x + 30 * mm, y + 22 * mm, 18)


def render(card: TemporaryMedicalCard) -> bytes:
    """One A4 sheet: the card in a dashed cutting frame, then its rules of use."""

    def draw(page: Canvas) -> None:
        width, height = A4
        left, right = 20 * mm, width - 20 * mm
        pdf.heading(page, f"江苏省社会保障卡{TITLE}", width / 2, height - 25 * mm)
        page.setFont(pdf.FONT, 10)
        page.drawCentredString(width / 2, height - 32 * mm, f"卡号：{card.number}")

        x, y = (width - CARD_WIDTH) / 2, height - 45 * mm - CARD_HEIGHT
        page.saveState()
        page.setDash(3, 2)
        page.setLineWidth(0.4)
        page.rect(x - 4 * mm, y - 4 * mm, CARD_WIDTH + 8 * mm, CARD_HEIGHT + 8 * mm)
        page.restoreState()
        page.setFont(pdf.FONT, 7)
        page.drawString(x - 4 * mm, y - 8 * mm, "沿虚线剪下")
        _face(page, card, x, y)

        line = y - 22 * mm
        page.setFont(pdf.FONT, 13)
        page.drawString(left, line, NOTES_TITLE)
        line -= 8 * mm
        for i, note in enumerate(notes(card), start=1):
            line = pdf.paragraph(page, f"{i}. {note}", left, line, right - left, 10.5, 6 * mm)
            line -= 1.5 * mm
        line -= 14 * mm
        page.setFont(pdf.FONT, 12)
        page.drawString(left, line, "发卡网点（盖章）：")
        page.drawString(left + 95 * mm, line, f"日期：{pdf.day_zh(business_date(card.issued_at))}")

    return pdf.document(draw, title=f"{TITLE} {card.number}", subject=SUBJECT)
