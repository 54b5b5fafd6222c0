"""The application receipt (社会保障卡申领回执单) a counter hands over at acceptance.

The holder brings it back to collect the card (SPEC ISS-3). It carries the reference as text and
as a QR code, the due date or that it is not known yet (APP-7), the making mode (APP-2), the
accepting outlet, the chosen bank (APP-6), the fee (APP-8), the masked holder (ID-6) and what to
bring for collection (ISS-3, ID-4) and for the bank account's activation (ISS-4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from sscard.applications.lifecycle import CLOSED_STATUSES, LABEL_ZH, ApplicationStatus, Making
from sscard.kernel.clock import business_date
from sscard.registry.reference.entities import Bank, Outlet
from sscard.web.documents import pdf

TITLE: Final = "江苏省社会保障卡申领回执单"
SUBJECT: Final = "Social security card application receipt"
MAKING_ZH: Final = {
    Making.INSTANT.value: "即时制卡（立等可取）",
    Making.FAST.value: "快速制卡",
    Making.ONLINE.value: "网上申领（15个工作日内办结）",
}
REPRESENTATIVE_ZH: Final = {"guardian": "监护人", "agent": "代办人"}


@dataclass(frozen=True)
class Receipt:
    """What the receipt says; every personal field is already masked."""

    reference: str
    kind: str
    status: str
    making: str
    accepted_at: datetime
    due_date: date | None
    due_waits_for_year: int | None
    fee_fen: int
    holder_name: str
    holder_ssn: str
    representative: str | None  # "王**（监护人）"
    outlet_name: str
    outlet_address: str
    outlet_phone: str | None
    outlet_hours: str | None
    bank_name: str


def from_view(application: Mapping[str, Any], outlet: Outlet, bank: Bank) -> Receipt:
    """The receipt of an application as the API shows it (applications.service.view), its
    accepting outlet and its bank."""
    rep = application.get("representative")
    return Receipt(
        reference=application["reference"],
        kind=application["kind"],
        status=application["status"],
        making=application["making"],
        accepted_at=application["accepted_at"],
        due_date=application["due_date"],
        due_waits_for_year=application["due_waits_for_calendar_year"],
        fee_fen=application["fee_fen"],
        holder_name=application["person"]["name"],
        holder_ssn=application["person"]["ssn"],
        representative=(
            f"{rep['name']}（{REPRESENTATIVE_ZH.get(rep['role'], rep['role'])}）" if rep else None
        ),
        outlet_name=outlet.name_zh,
        outlet_address=outlet.address_zh,
        outlet_phone=outlet.phone,
        outlet_hours=outlet.hours_zh,
        bank_name=bank.name_zh,
    )


def due_text(receipt: Receipt) -> str:
    """The due date line (SPEC APP-2, APP-7)."""
    text = pdf.due_zh(receipt.due_date, receipt.due_waits_for_year)
    if receipt.due_date is not None and receipt.making == Making.INSTANT.value:
        return f"{text}（即时制卡，当场领取）"
    return text


def collection_notes(receipt: Receipt) -> list[str]:
    """What to bring and where (SPEC ISS-3, ID-4), and what follows collection (ISS-4)."""
    where = f"领卡地点：{receipt.outlet_name}（{receipt.outlet_address}），须在本受理网点领取。"
    contact = "；".join(
        part
        for part in (
            f"办公时间：{receipt.outlet_hours}" if receipt.outlet_hours else "",
            f"咨询电话：{receipt.outlet_phone}" if receipt.outlet_phone else "",
        )
        if part
    )
    notes = [where]
    if contact:
        notes.append(contact + "。")
    notes += [
        "本人领卡：请携带本人有效身份证件原件和本回执。",
        "他人代领：须携带申领人和代领人双方的有效身份证件原件及本回执；"
        "监护人为未成年人或无完全民事行为能力人代领的，另带监护关系证明（户口簿或出生医学证明）。",
        f"领卡后社会保障卡人社功能即行启用；金融功能须由本人持卡和有效身份证件到{receipt.bank_name}"
        "任一营业网点激活。",
        "制卡进度可拨打12333查询，请提供申领编号。",
    ]
    return notes


def rows(receipt: Receipt) -> list[tuple[str, str]]:
    """The table of the receipt, in the order it is read at the counter."""
    out = [
        ("申领编号", receipt.reference),
        ("申领类型", pdf.KIND_ZH.get(receipt.kind, receipt.kind)),
        ("申领人姓名", receipt.holder_name),
        ("社会保障号码", receipt.holder_ssn),
    ]
    if receipt.representative:
        out.append(("代办人/监护人", receipt.representative))
    out += [
        ("受理网点", receipt.outlet_name),
        ("受理时间", pdf.moment_zh(receipt.accepted_at)),
        ("制卡方式", MAKING_ZH.get(receipt.making, receipt.making)),
        ("合作银行", receipt.bank_name),
        ("工本费", pdf.yuan(receipt.fee_fen)),
        ("当前状态", LABEL_ZH.get(receipt.status, receipt.status)),
        ("预计领卡日期", due_text(receipt)),
    ]
    return out


def render(receipt: Receipt) -> bytes:
    """One A4 page."""

    def draw(page: Canvas) -> None:
        width, height = A4
        left, right = 20 * mm, width - 20 * mm
        qr_size = 38 * mm
        top = height - 20 * mm
        pdf.draw_qr(page, receipt.reference, right - qr_size, top - qr_size, qr_size)
        pdf.heading(page, TITLE, (left + right - qr_size) / 2, top - 12 * mm)
        page.setFont(pdf.FONT, 11)
        page.drawString(left, top - 24 * mm, f"申领编号：{receipt.reference}")
        page.setFont(pdf.FONT, 9)
        page.drawString(left, top - 31 * mm, "请妥善保管本回执，领卡时出示。右侧二维码为申领编号。")

        y = pdf.table(
            page, rows(receipt), left, top - qr_size - 6 * mm, right - left, label_width=36 * mm
        )
        y -= 10 * mm
        page.setFont(pdf.FONT, 13)
        page.drawString(left, y, "领卡须知")
        y -= 8 * mm
        for i, note in enumerate(collection_notes(receipt), start=1):
            y = pdf.paragraph(page, f"{i}. {note}", left, y, right - left, 10.5, 6 * mm)
            y -= 1.5 * mm

        y -= 14 * mm
        page.setFont(pdf.FONT, 12)
        page.drawString(left, y, "受理网点（盖章）：")
        page.drawString(
            left + 95 * mm, y, f"日期：{pdf.day_zh(business_date(receipt.accepted_at))}"
        )
        page.setFont(pdf.FONT, 8)
        page.drawCentredString(width / 2, 12 * mm, "江苏省社会保障卡　人社服务热线 12333")

        status = ApplicationStatus(receipt.status)
        if status in CLOSED_STATUSES:  # a reprint for a closed application must not pass
            pdf.stamp(page, f"{LABEL_ZH[status]}（仅供存档）", width / 2, height / 2)

    return pdf.document(draw, title=f"{TITLE} {receipt.reference}", subject=SUBJECT)
