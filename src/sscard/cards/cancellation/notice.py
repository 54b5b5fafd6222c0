"""The financial-account closure notice (金融销户通知书, SPEC CAN-3) as a printable PDF.

Only masked personal data goes on it (SPEC ID-6): the bank identifies the account by the card
number. The Chinese text uses reportlab's built-in CID font, so no font file is shipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Final

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT: Final = "STSong-Light"
TITLE_ZH: Final = "江苏省社会保障卡金融销户通知书"
TITLE_EN: Final = "Financial-account closure notice"
LOSSES_FALL_ON_HOLDER_ZH: Final = "因社会保障卡注销造成的社保待遇损失，由持卡人承担。"


@dataclass(frozen=True)
class ClosureNotice:
    """What the printed notice says; every personal field is already masked."""

    reference: str
    issued_on: date
    card_number: str
    bank_name_zh: str
    reason_zh: str
    holder_name_masked: str
    holder_id_masked: str
    outlet_name_zh: str
    city_name_zh: str


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _day_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def render(notice: ClosureNotice) -> bytes:
    """One A4 page: the notice to the bank, with a line for the bank to sign."""
    font = _font()
    out = BytesIO()
    # invariant: no creation timestamp or random id, so the same notice prints the same bytes.
    pdf = canvas.Canvas(out, pagesize=A4, invariant=True)
    pdf.setTitle(f"{TITLE_ZH} {notice.reference}")
    pdf.setAuthor("sscard")
    pdf.setSubject(TITLE_EN)
    width, height = A4
    left = 25 * mm
    y = height - 30 * mm

    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, y, TITLE_ZH)
    y -= 8 * mm
    pdf.setFont(font, 10)
    pdf.drawCentredString(width / 2, y, TITLE_EN)
    y -= 8 * mm
    pdf.drawRightString(width - left, y, f"编号：{notice.reference}")

    y -= 14 * mm
    pdf.setFont(font, 12)
    pdf.drawString(left, y, f"{notice.bank_name_zh}：")
    y -= 9 * mm
    for line in (
        f"    下列持卡人的社会保障卡人社功能已于{_day_zh(notice.issued_on)}注销，",
        "请贵行凭本通知书办理该卡金融账户销户手续，并回收卡片。",
    ):
        pdf.drawString(left, y, line)
        y -= 7 * mm

    y -= 5 * mm
    rows = (
        ("持卡人姓名", notice.holder_name_masked),
        ("社会保障号码", notice.holder_id_masked),
        ("社会保障卡卡号", notice.card_number),
        ("发卡银行", notice.bank_name_zh),
        ("注销原因", notice.reason_zh),
        ("注销日期", _day_zh(notice.issued_on)),
        ("卡管属地", notice.city_name_zh),
        ("经办网点", notice.outlet_name_zh),
    )
    row_h = 9 * mm
    label_w = 40 * mm
    right = width - left
    top = y + row_h * 0.7
    for label, value in rows:
        pdf.drawString(left + 3 * mm, y, label)
        pdf.drawString(left + label_w + 3 * mm, y, value)
        y -= row_h
    bottom = y + row_h * 0.7
    pdf.rect(left, bottom, right - left, top - bottom)
    pdf.line(left + label_w, bottom, left + label_w, top)
    for i in range(1, len(rows)):
        pdf.line(left, top - i * row_h, right, top - i * row_h)

    y -= 6 * mm
    pdf.setFont(font, 10)
    pdf.drawString(left, y, f"注：{LOSSES_FALL_ON_HOLDER_ZH}")
    y -= 6 * mm
    pdf.drawString(
        left, y, "持卡人或代理人须携带社会保障卡、本通知书和有效身份证件到发卡银行营业网点办理。"
    )

    y -= 18 * mm
    pdf.setFont(font, 12)
    pdf.drawString(left, y, "经办网点（盖章）：")
    pdf.drawString(left + 95 * mm, y, f"日期：{_day_zh(notice.issued_on)}")
    y -= 16 * mm
    pdf.drawString(left, y, "银行经办人签字：____________________")
    pdf.drawString(left + 95 * mm, y, "签收日期：______________")
    y -= 12 * mm
    pdf.drawString(left, y, "银行（盖章）：")

    pdf.showPage()
    pdf.save()
    return out.getvalue()
