"""The benefit-payment batch's report as a file, for the payer and the centre (SPEC PAY-1/2):
every payment with its outcome and why, masked."""

from __future__ import annotations

import csv
import io
from typing import Any

from sscard.kernel.text import spreadsheet_safe
from sscard.payments.rules import STATUS_LABELS, PaymentStatus

REPORT_COLUMNS = (
    ("line", "行号"),
    ("payer_reference", "发放编号"),
    ("ssn_masked", "社会保障号码（脱敏）"),
    ("amount_fen", "金额（分）"),
    ("kind", "类别"),
    ("period", "所属期"),
    ("status", "状态"),
    ("reason", "原因代码"),
    ("text_zh", "原因"),
    ("bank_code", "银行"),
    ("answered_at", "银行答复时间"),
)


def report_header(language: str) -> str:
    """The report's first line, with a BOM for Excel; names in Chinese (zh) or English."""
    zh = language == "zh"
    return "\ufeff" + _line([label if zh else key for key, label in REPORT_COLUMNS])


def report_lines(lines: list[dict[str, Any]], language: str) -> str:
    """Payments (service.batch_lines) as CSV lines; statuses and reasons in the language; a
    cell that a spreadsheet would run as a formula is neutralised."""
    zh = language == "zh"
    out = []
    for line in lines:
        row = {**line, "status": _status_text(line["status"], zh)}
        if not zh:
            row["text_zh"] = line["text_en"]
        out.append(_line(["" if row[k] is None else spreadsheet_safe(row[k])
                          for k, _ in REPORT_COLUMNS]))  # fmt: skip
    return "".join(out)


def _line(cells: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def _status_text(status: str, zh: bool) -> str:
    labels = STATUS_LABELS[PaymentStatus(status)]
    return labels[0] if zh else labels[1]
