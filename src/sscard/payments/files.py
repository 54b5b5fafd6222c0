"""A payer's batch file read safely: CSV (UTF-8 or GB18030, from the payer's system) or an
.xlsx workbook (from the staff console), with a header line naming the columns in English or
Chinese (SPEC PAY-1). No database and no clock here.

Columns: ssn (社会保障号码); amount_fen (金额（分）) or amount_yuan (金额（元）, at most two
decimals); kind (类别: a PaymentKind value or its Chinese label); period (所属期, YYYY-MM);
payer_reference (发放编号). A cell that cannot be read becomes a problem of its line, never a
guess; the whole file is refused only when it cannot be read at all.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from openpyxl import load_workbook

from sscard.kernel.errors import DomainError
from sscard.payments.rules import MAX_LINES_FILE, Line, LineProblem, PaymentKind
from sscard.units.workbook import (
    CsvUnreadable,
    FileTooLarge,
    NotAWorkbook,
    OldExcelFormat,
    checked_zip,
)

MAX_FILE_BYTES: Final = 128 * 1024 * 1024  # a million lines of CSV is about 70 MB
MAX_COLUMNS: Final = 64  # of a workbook's sheet read: the payer's own columns may come first
HEADERS: Final = {
    "ssn": ("ssn", "社会保障号码", "社会保障号", "身份证号码"),
    "amount_fen": ("amount_fen", "金额（分）", "金额(分)"),
    "amount_yuan": ("amount_yuan", "金额（元）", "金额(元)", "金额"),
    "kind": ("kind", "类别", "待遇类别"),
    "period": ("period", "所属期"),
    "payer_reference": ("payer_reference", "发放编号", "业务流水号"),
}
KIND_BY_LABEL: Final = {k.label_zh: k.value for k in PaymentKind}


class PaymentFileColumns(DomainError):
    code = "payment_file_columns"
    status = 422
    rule = "PAY-1"
    message_zh = "发放文件第一行须为表头，缺少：{missing}（可用中文或英文列名）"
    message_en = "The file's first line must be its header; missing: {missing} (English or Chinese)"


class PaymentFileColumnsAmbiguous(DomainError):
    code = "payment_file_columns_ambiguous"
    status = 422
    rule = "PAY-1"
    message_zh = "发放文件的表头有歧义：{columns}；每项只能有一列，金额只能用分或元之一"
    message_en = (
        "The file's header is ambiguous: {columns}; one column each, and the amount either in"
        " fen or in yuan"
    )


class PaymentFileTooLong(DomainError):
    code = "payment_file_too_long"
    status = 422
    rule = "PAY-1"
    message_zh = "一个发放文件最多{limit}笔款项，请分批提交"
    message_en = "A payment file holds at most {limit} payments; send several batches"


@dataclass
class ParsedFile:
    """The lines read (a line with a bad cell is kept, its problem listed beside it)."""

    lines: list[Line] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)


def read_batch_file(data: bytes) -> ParsedFile:
    """The payments of an uploaded file, its kind told by its content. Raises FileTooLarge,
    OldExcelFormat, NotAWorkbook, CsvUnreadable, PaymentFileColumns,
    PaymentFileColumnsAmbiguous or PaymentFileTooLong."""
    if len(data) > MAX_FILE_BYTES:
        raise FileTooLarge(field="file", limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise OldExcelFormat(field="file")
    rows = _xlsx_rows(data) if data[:2] == b"PK" else _csv_rows(data)
    try:
        return _parse(rows)
    except csv.Error as bad:
        raise CsvUnreadable(field="file", reason_zh="CSV格式有误", reason_en=str(bad)) from None


def _csv_rows(data: bytes) -> Iterator[Sequence[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise CsvUnreadable(field="file", reason_zh="编码无法识别", reason_en="unknown encoding")
    if "\x00" in text:
        raise CsvUnreadable(field="file", reason_zh="含有空字符", reason_en="it holds NUL bytes")
    return iter(csv.reader(io.StringIO(text, newline="")))


def _xlsx_rows(data: bytes) -> Iterator[Sequence[Any]]:
    checked_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken part; all mean the same here
        raise NotAWorkbook(
            field="file", detail_zh="（工作簿已损坏）", detail_en=" (a broken workbook)"
        ) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        rows = [] if sheet is None else list(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
    finally:
        book.close()
    return iter(rows)


def _parse(rows: Iterator[Sequence[Any]]) -> ParsedFile:
    header = next(rows, None) or []
    columns = _columns(header)
    out = ParsedFile()
    for number, row in enumerate(_non_empty(rows), start=1):
        if number > MAX_LINES_FILE:
            raise PaymentFileTooLong(field="file", limit=MAX_LINES_FILE)
        out.lines.append(_line(number, row, columns, out.problems))
    return out


def _non_empty(rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    for row in rows:
        if any(_text(cell) for cell in row):
            yield row


def _columns(header: Sequence[Any]) -> dict[str, int]:
    """Each known column's position; PaymentFileColumns when one is missing,
    PaymentFileColumnsAmbiguous when one is named twice or the amount is in fen and in yuan
    (a file read by the wrong one would pay 100 times too much or too little)."""
    names = [_text(h) for h in header]
    found: dict[str, int] = {}
    repeated: list[str] = []
    for key, aliases in HEADERS.items():
        at = [i for i, name in enumerate(names) if name in aliases]
        if at:
            found[key] = at[0]
        if len(at) > 1:
            repeated.append(key)
    if "amount_fen" in found and "amount_yuan" in found:
        repeated.append("amount_fen + amount_yuan")
    if repeated:
        raise PaymentFileColumnsAmbiguous(field="file", columns=", ".join(repeated))
    missing = [k for k in ("ssn", "kind", "period", "payer_reference") if k not in found]
    if "amount_fen" not in found and "amount_yuan" not in found:
        missing.append("amount_fen | amount_yuan")
    if missing:
        raise PaymentFileColumns(field="file", missing=", ".join(missing))
    return found


def _text(cell: Any) -> str:
    """A cell as text: an .xlsx whole number without ".0", a date as its month (YYYY-MM, what
    Excel makes of a typed period)."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
        return str(int(cell))
    if isinstance(cell, (date, datetime)):
        return f"{cell:%Y-%m}"
    return str(cell).strip()


def _line(
    number: int, row: Sequence[Any], columns: dict[str, int], problems: list[LineProblem]
) -> Line:
    def cell(key: str) -> str:
        i = columns[key]
        return _text(row[i]) if i < len(row) else ""

    kind = cell("kind")
    amount = _amount(cell, columns)
    wanted = max(columns.values()) + 1
    if len(row) < wanted:  # a short CSV row: its missing cells are not each a problem
        problems.append(
            LineProblem(
                number,
                "line",
                f"只有{len(row)}列，须有{wanted}列（与表头相同）",
                f"has {len(row)} columns, {wanted} wanted (as the header)",
            )
        )
    elif amount is None:
        problems.append(
            LineProblem(
                number,
                "amount_fen" if "amount_fen" in columns else "amount_yuan",
                "金额无法读取：分须为整数，元最多两位小数",
                "the amount cannot be read: fen are whole, yuan have at most two decimals",
            )
        )
    return Line(
        ssn=cell("ssn"),
        amount_fen=amount if amount is not None else 0,
        kind=KIND_BY_LABEL.get(kind, kind),
        period=cell("period"),
        payer_reference=cell("payer_reference"),
    )


FEN_TEXT: Final = re.compile(r"[0-9]{1,12}")
YUAN_TEXT: Final = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?")


def _amount(cell: Any, columns: dict[str, int]) -> int | None:
    """The amount in fen, read exactly: fen as 0-9 digits, yuan with at most two decimals (an
    .xlsx number as Excel keeps it); anything else (exponents, separators, other digits) is
    no amount, never a guess."""
    in_fen = "amount_fen" in columns
    text = cell("amount_fen" if in_fen else "amount_yuan")
    if in_fen:
        return int(text) if FEN_TEXT.fullmatch(text) else None
    if not YUAN_TEXT.fullmatch(text):
        return None
    whole, _, cents = text.partition(".")
    return int(whole) * 100 + int(cents.ljust(2, "0"))
