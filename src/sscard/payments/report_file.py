"""The benefit-payment batch's report as a file, for the payer and the centre (SPEC PAY-1/2):
every payment with its outcome and why, masked, in the reader's language (Chinese unless
English is asked for): the header, the kinds, statuses and reasons; amounts in yuan; times in
Beijing time, as the pages show them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from sscard.kernel.clock import CHINA
from sscard.kernel.text import spreadsheet_safe
from sscard.payments.rules import KIND_LABELS, STATUS_LABELS, PaymentKind, PaymentStatus

# (the line's key, the column's Chinese name, its English name)
REPORT_COLUMNS = (
    ("line", "行号", "Line"),
    ("payer_reference", "发放编号", "Payer's reference"),
    ("ssn_masked", "社会保障号码（脱敏）", "Social security number (masked)"),
    ("amount_yuan", "金额（元）", "Amount (yuan)"),
    ("kind", "类别", "Kind"),
    ("kind_code", "类别代码", "Kind code"),
    ("period", "所属期", "Period"),
    ("status", "状态", "Status"),
    ("reason", "原因代码", "Reason code"),
    ("why", "原因", "Reason"),
    ("bank_code", "银行代码", "Bank code"),
    ("answered_at", "银行答复时间（北京时间）", "Bank answered at (Beijing time)"),
)
LANGUAGES = ("zh", "en")


def report_language(chosen: str | None, accept_language: str | None) -> str:
    """The report's language: the one asked for by name, else the first of Chinese or English
    in an Accept-Language header (by its q-values), else Chinese."""
    if chosen in LANGUAGES:
        return chosen
    best, best_q = "zh", -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower()[:2]
        if lang not in LANGUAGES:
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if q > best_q:
            best, best_q = lang, q
    return best


def report_header(language: str) -> str:
    """The report's first line, with a BOM for Excel; the columns named in the language."""
    zh = language != "en"
    return "\ufeff" + _line([name_zh if zh else name_en for _, name_zh, name_en in REPORT_COLUMNS])


def report_lines(lines: list[dict[str, Any]], language: str) -> str:
    """Payments (service.batch_lines) as CSV lines in the language; a cell that a spreadsheet
    would run as a formula is neutralised."""
    zh = language != "en"
    out = []
    for line in lines:
        row = {
            **line,
            "amount_yuan": yuan(line["amount_fen"]),
            "kind": _label(KIND_LABELS, PaymentKind, line["kind"], zh),
            "kind_code": line["kind"],
            "status": _label(STATUS_LABELS, PaymentStatus, line["status"], zh),
            "why": line.get("text_zh") if zh else line.get("text_en"),
            "answered_at": beijing(line.get("answered_at")),
        }
        out.append(_line([_cell(row.get(key), zh) for key, _, _ in REPORT_COLUMNS]))
    return "".join(out)


def yuan(fen: int | None) -> str:
    """Fen as yuan with two decimals, no grouping ("3120.50"): a file is read by programs too."""
    if fen is None:
        return ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{'-' if int(fen) < 0 else ''}{whole}.{cents:02d}"


def beijing(moment: datetime | str | None) -> str:
    """A stored (UTC) moment as Beijing time to the second, as the pages show it."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def _label(labels: Any, kind: Any, code: str | None, zh: bool) -> str:
    try:
        pair = labels[kind(code)]
    except (KeyError, ValueError):
        return code or ""
    return str(pair[0] if zh else pair[1])


def _cell(value: Any, zh: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    return spreadsheet_safe(value)


def _line(cells: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()
