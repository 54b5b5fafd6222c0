"""The insurance certificate (参保证明) the holder prints from the online hall (SPEC ECARD-5).

A page of A4: the holder in full (their own certificate), what it certifies, the date issued,
and the verification code as text and as a QR code of the public check's address, so whoever
is shown the paper can check it (`GET /api/v1/insurance-certificates/{code}`) until the code's
last day.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from sscard.kernel.clock import business_date
from sscard.web.documents import pdf

TITLE: Final = "社会保险参保证明"
SUBJECT: Final = "Insurance certificate"
CHECK_PATH: Final = "/api/v1/insurance-certificates/"


def rows(certificate: Mapping[str, Any]) -> list[tuple[str, str]]:
    holder = certificate["holder"]
    return [
        ("姓名", holder["name"]),
        ("社会保障号码", holder["social_security_number"]),
        ("参保地", f"{certificate['insured_city_zh']}（{certificate['insured_city_code']}）"),
        ("证明事项", certificate["certifies_zh"]),
        ("出具日期", pdf.day_zh(business_date(certificate["issued_at"]))),
        ("验证码", certificate["code"]),
        ("验证有效期至", pdf.day_zh(certificate["valid_until"])),
    ]


def render(certificate: Mapping[str, Any], base_url: str) -> bytes:
    """The certificate as PDF bytes; `base_url` is where the public check is reached."""
    width, height = A4

    def draw(page: Canvas) -> None:
        pdf.heading(page, TITLE, width / 2, height - 30 * mm)
        bottom = pdf.table(
            page, rows(certificate), 20 * mm, height - 45 * mm, width - 40 * mm,
            label_width=36 * mm,
        )  # fmt: skip
        code = certificate["code"].replace("-", "")
        pdf.draw_qr(page, f"{base_url}{CHECK_PATH}{code}", 20 * mm, bottom - 45 * mm, 38 * mm)
        note = (
            "本证明由江苏省社会保障卡管理系统出具。查验方可扫描左侧二维码，或在验证有效期内"
            f"访问{base_url}{CHECK_PATH}（验证码）核对证明内容。"
        )
        pdf.paragraph(page, note, 62 * mm, bottom - 12 * mm, width - 82 * mm, 10, 6 * mm)

    return pdf.document(draw, title=TITLE, subject=SUBJECT)
