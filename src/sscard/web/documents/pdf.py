"""What the printed forms share: the Chinese font, the page, QR codes, tables, dates, stamps.

Pure drawing on a reportlab canvas: no I/O but the bytes returned, no clock read (a form's
dates come in its data). Pages are `invariant` (no creation time, no random id), so one form's
data always prints the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from io import BytesIO
from typing import Final

import segno
from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from sscard.kernel.clock import CHINA

FONT: Final = "STSong-Light"  # Adobe's CID font every PDF reader has for Simplified Chinese
AUTHOR: Final = "江苏省社会保障卡管理系统"
STAMP_RED: Final = Color(0.78, 0.1, 0.1)
QUIET_MODULES: Final = 4  # the light margin a QR reader needs around the symbol (ISO/IEC 18004)
# A line breaks between any two Chinese characters, never inside a run of Latin letters and
# digits (a reference or a phone number stays whole).
_TOKENS = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-./:]*|.", re.DOTALL)

Draw = Callable[[Canvas], None]


def font() -> str:
    """The CID font, registered once per process (reportlab keeps a process-wide registry)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def document(draw: Draw, *, title: str, subject: str, pagesize: tuple[float, float] = A4) -> bytes:
    """One page drawn by `draw`, as PDF bytes with the form's title in its metadata."""
    font()
    out = BytesIO()
    pdf = Canvas(out, pagesize=pagesize, invariant=True, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor(AUTHOR)
    pdf.setSubject(subject)
    pdf.setCreator("sscard")
    draw(pdf)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def day_zh(day: date) -> str:
    """2026年11月23日."""
    return f"{day.year}年{day.month}月{day.day}日"


def moment_zh(moment: datetime) -> str:
    """A moment as read in Jiangsu: 2026年11月23日 10:00."""
    local = moment.astimezone(CHINA)
    return f"{day_zh(local.date())} {local:%H:%M}"


def yuan(fen: int) -> str:
    """A fee as printed: 免费 for nothing, else yuan with two decimals (SPEC APP-8)."""
    return "免费" if fen == 0 else f"{fen / 100:.2f}元"


# What the forms call an application's kind (SPEC APP-1, REP-2, GEN-3).
KIND_ZH: Final = {
    "first": "首次申领",
    "replacement": "补领（挂失后补卡）",
    "exchange": "换领（换卡）",
    "upgrade": "升级换领第三代社会保障卡",
}


def due_zh(due: date | None, waits_for_year: int | None) -> str:
    """When the card is due (SPEC APP-7): the day, or unknown while the holiday calendar of
    its year is not loaded (SPEC §17: a deadline in an unknown year says so, never guesses)."""
    if due is not None:
        return day_zh(due)
    if waits_for_year is not None:
        return f"未知（待{waits_for_year}年法定节假日安排公布后确定）"
    return "未知"


def draw_qr(pdf: Canvas, content: str, x: float, y: float, size: float) -> None:
    """A QR code of `content` (error correction M) as vector squares in a `size` square whose
    lower left corner is (x, y), its quiet zone included: sharp at any printer resolution."""
    symbol = segno.make(content, error="m", micro=False)
    matrix = symbol.matrix
    count = len(matrix) + 2 * QUIET_MODULES
    module = size / count
    pdf.saveState()
    pdf.setFillColor(white)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColor(black)
    for r, row in enumerate(matrix):
        top = y + size - (r + QUIET_MODULES + 1) * module
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            left = x + (start + QUIET_MODULES) * module
            # A hair wider than the run, so adjacent squares print without a seam between them.
            pdf.rect(left, top, (c - start) * module + 0.01, module + 0.01, stroke=0, fill=1)
    pdf.restoreState()


def wrap(text: str, size: float, width: float) -> list[str]:
    """`text` in lines no wider than `width` at font size `size`."""
    lines: list[str] = []
    for part in text.split("\n"):
        line = ""
        for token in _TOKENS.findall(part):
            candidate = line + token
            if line and pdfmetrics.stringWidth(candidate, FONT, size) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line = candidate
        lines.append(line)
    return lines


def paragraph(
    pdf: Canvas, text: str, x: float, y: float, width: float, size: float, leading: float
) -> float:
    """Draw `text` wrapped to `width` from baseline `y` down; the next free baseline."""
    pdf.setFont(FONT, size)
    for line in wrap(text, size, width):
        pdf.drawString(x, y, line)
        y -= leading
    return y


def table(
    pdf: Canvas,
    rows: Sequence[tuple[str, str]],
    x: float,
    top: float,
    width: float,
    *,
    label_width: float,
    size: float = 11,
    line_height: float = 7 * mm,
) -> float:
    """A bordered two-column table of labels and values (a value wraps inside its cell) with its
    top edge at `top`; the bottom edge's y."""
    pdf.setFont(FONT, size)
    pad = 2.5 * mm
    y = top
    for label, value in rows:
        lines = wrap(value, size, width - label_width - 2 * pad)
        height = line_height * len(lines)
        baseline = y - line_height + (line_height - size * 0.8) / 2
        pdf.drawString(x + pad, baseline, label)
        for i, line in enumerate(lines):
            pdf.drawString(x + label_width + pad, baseline - i * line_height, line)
        y -= height
        pdf.line(x, y, x + width, y)
    pdf.rect(x, y, width, top - y)
    pdf.line(x + label_width, y, x + label_width, top)
    return y


def stamp(pdf: Canvas, text: str, cx: float, cy: float, size: float = 28) -> None:
    """A red framed word across the form, as a counter's rubber stamp (作废, 已撤回 ...), so a
    form printed for a closed record cannot pass for a live one."""
    pdf.saveState()
    pdf.translate(cx, cy)
    pdf.rotate(15)
    pdf.setStrokeColor(STAMP_RED)
    pdf.setFillColor(STAMP_RED)
    pdf.setLineWidth(2.5)
    pdf.setFont(FONT, size)
    half = pdfmetrics.stringWidth(text, FONT, size) / 2 + size * 0.4
    pdf.roundRect(-half, -size * 0.55, 2 * half, size * 1.5, size * 0.2)
    pdf.drawCentredString(0, 0, text)
    pdf.restoreState()


def heading(pdf: Canvas, title: str, centre: float, y: float, size: float = 18) -> None:
    """The form's title, centred."""
    pdf.setFont(FONT, size)
    pdf.drawCentredString(centre, y, title)
