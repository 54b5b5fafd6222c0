"""The benefit-payment batch's report as a file, for the payer and the centre (SPEC PAY-1/2):
every payment with its outcome and why, masked."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

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


def report_lines_csv(lines: list[dict[str, Any]], language: str) -> Iterator[str]:
    """The batch's payments (service.batch_lines) as CSV text in pieces, with a BOM for Excel;
    column names and statuses in Chinese (`language` zh) or English."""
    out = io.StringIO()
    writer = csv.writer(out)
    zh = language == "zh"
    writer.writerow([label if zh else key for key, label in REPORT_COLUMNS])
    yield "\ufeff" + out.getvalue()
    for start in range(0, len(lines), 5000):
        out.seek(0)
        out.truncate()
        for line in lines[start : start + 5000]:
            row = {**line, "status": _status_text(line["status"], zh)}
            if not zh:
                row["text_zh"] = line["text_en"]
            writer.writerow(["" if row[k] is None else row[k] for k, _ in REPORT_COLUMNS])
        yield out.getvalue()


def _status_text(status: str, zh: bool) -> str:
    labels = STATUS_LABELS[PaymentStatus(status)]
    return labels[0] if zh else labels[1]
