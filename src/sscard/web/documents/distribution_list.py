"""The unit's distribution list (单位发放明细表, SPEC ISS-3): what an outlet hands the unit's agent
with a batch's cards, one line per card, for each member to sign on receipt; the agent brings it
back signed with the cards not handed out.

Every personal field is masked (ID-6). A4 pages of LINES_PER_PAGE lines, the header on each,
"第 n 页 共 m 页" at the foot, the signatures under the last line.
"""

from __future__ import annotations

from typing import Final

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from sscard.kernel.clock import business_date
from sscard.units.collection.service import DistributionList
from sscard.web.documents import pdf

TITLE: Final = "江苏省社会保障卡单位发放明细表"
SUBJECT: Final = "Social security cards handed to a unit: distribution list"
LINES_PER_PAGE: Final = 22
# Column titles and widths (mm): line, name, document number, card number, signature, note.
COLUMNS: Final = (
    ("序号", 12),
    ("姓名", 24),
    ("证件号码", 44),
    ("社会保障卡卡号", 32),
    ("领卡人签名", 36),
    ("备注", 22),
)
OUTCOME_ZH: Final = {"distributed": "已发放", "returned_to_stock": "未发放退回"}


def header_rows(form: DistributionList) -> list[tuple[str, str]]:
    """What the list is about: the unit, the batch, the outlet, the day, who took the cards."""
    rows = [
        ("单位名称", form.unit_name),
        ("统一社会信用代码", form.unit_code),
        ("批次编号", form.batch_reference),
        ("发放批编号", form.reference),
        ("领卡网点", form.outlet_name),
        ("交付日期", pdf.day_zh(business_date(form.handed_at))),
    ]
    if form.agent:
        rows.append(("单位经办人", form.agent))
    else:
        rows.append(("物流寄送", f"{form.carrier or ''} 运单号 {form.waybill or ''}"))
    return rows


def render(form: DistributionList) -> bytes:
    """The list as A4 pages: the header table, then the cards, LINES_PER_PAGE a page."""
    pages = [
        form.lines[i : i + LINES_PER_PAGE] for i in range(0, len(form.lines), LINES_PER_PAGE)
    ] or [[]]

    def draw(canvas: Canvas) -> None:
        for number, lines in enumerate(pages, start=1):
            if number > 1:
                canvas.showPage()
            _page(canvas, form, lines, number, len(pages))

    return pdf.document(draw, title=f"{TITLE} {form.reference}", subject=SUBJECT)


def _page(
    canvas: Canvas, form: DistributionList, lines: list[dict[str, object]], number: int, total: int
) -> None:
    width, height = A4
    left, right = 15 * mm, width - 15 * mm
    top = height - 18 * mm
    pdf.heading(canvas, TITLE, width / 2, top)
    y = pdf.table(
        canvas, header_rows(form), left, top - 8 * mm, right - left, label_width=38 * mm, size=10
    )
    y -= 6 * mm
    row_height = 8.5 * mm
    canvas.setFont(pdf.FONT, 10)
    xs = [left]
    for _, w in COLUMNS:
        xs.append(xs[-1] + w * mm)
    scale = (right - left) / (xs[-1] - left)
    xs = [left + (x - left) * scale for x in xs]
    table_top = y
    _row(canvas, xs, y, row_height, [title for title, _ in COLUMNS])
    y -= row_height
    for line in lines:
        outcome = OUTCOME_ZH.get(str(line.get("outcome") or ""), "")
        cells = [
            str(line["line"]),
            str(line.get("name") or ""),
            str(line.get("number") or ""),
            str(line["card_number"]),
            "",
            outcome,
        ]
        _row(canvas, xs, y, row_height, cells)
        y -= row_height
    canvas.rect(left, y, right - left, table_top - y)
    for x in xs[1:-1]:
        canvas.line(x, y, x, table_top)
    if number == total:
        y -= 10 * mm
        canvas.setFont(pdf.FONT, 10)
        y = pdf.paragraph(
            canvas,
            f"本表共{len(form.lines)}张卡。领卡成员须在“领卡人签名”栏签名；未发放的卡片请在“备注”栏注明，"
            "连同签字后的本表一并交回领卡网点（社会保障卡人社功能于登记发放时启用）。",
            left,
            y,
            right - left,
            10,
            6 * mm,
        )
        y -= 10 * mm
        canvas.setFont(pdf.FONT, 11)
        canvas.drawString(left, y, "单位经办人签字：")
        canvas.drawString(left + 62 * mm, y, "网点经办人签字：")
        canvas.drawString(left + 124 * mm, y, "日期：")
        y -= 9 * mm
        canvas.drawString(left, y, "单位（盖章）：")
    canvas.setFont(pdf.FONT, 8)
    canvas.drawCentredString(
        width / 2, 10 * mm, f"第 {number} 页 共 {total} 页　打印日期 {pdf.day_zh(form.printed_on)}"
    )


def _row(canvas: Canvas, xs: list[float], top: float, height: float, cells: list[str]) -> None:
    baseline = top - height + (height - 10 * 0.8) / 2
    for x, text in zip(xs, cells, strict=False):
        canvas.drawString(x + 1.5 * mm, baseline, text)
    canvas.line(xs[0], top - height, xs[-1], top - height)
