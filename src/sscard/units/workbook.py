"""The unit's files: the registration form offered as a template, an upload read safely (an
.xlsx workbook or a CSV file), and the result workbook given back (issue 13; SPEC APP-3).

A workbook is a zip of XML parts, so before openpyxl opens anything the zip's directory is
read: a file that is no zip (a renamed PDF), an old binary .xls, or a zip whose parts would
unpack to more than MAX_UNPACKED_BYTES or at a ratio no spreadsheet has (a zip bomb) is refused
at once. openpyxl then reads in read-only mode (a stream; defusedxml guards the XML) and stops
after MAX_ROWS members. Cells that are not plain text (formulas, dates, numbers Excel kept as
numbers, merged cells) are marked on their row, which is refused with the column named, never
the whole file. No database and no clock here.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation

from sscard.kernel.errors import DomainError
from sscard.registry.documents import DocumentType
from sscard.units import rules
from sscard.units.rules import COLUMNS, CellProblem, MemberRow

XLSX_MEDIA: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA: Final = "text/csv"
MAX_FILE_BYTES: Final = 32 * 1024 * 1024  # a 100,000-member workbook is about 5 MB
MAX_UNPACKED_BYTES: Final = 400 * 1024 * 1024
MAX_RATIO: Final = 200  # spreadsheet XML packs 5-20 times; a bomb packs thousands of times
MAX_PARTS: Final = 2_000
HEADER_SEARCH_ROWS: Final = 10
READ_COLUMNS: Final = 40  # a sheet claiming 16,384 columns is read only this far


# ---- refusals of a whole file (nothing is stored) ----


class NotAWorkbook(DomainError):
    code = "not_a_workbook"
    status = 422
    rule = "APP-3"
    message_zh = "上传的文件不是Excel工作簿(.xlsx)或CSV文件{detail_zh}"
    message_en = "The file is neither an Excel workbook (.xlsx) nor a CSV file{detail_en}"


class OldExcelFormat(DomainError):
    code = "old_excel_format"
    status = 422
    rule = "APP-3"
    message_zh = "这是旧版Excel文件(.xls)或加密的工作簿，请另存为.xlsx（不加密码）后上传"
    message_en = (
        "This is an old Excel file (.xls) or a protected workbook; save it as .xlsx without a"
        " password"
    )


class WorkbookTooLarge(DomainError):
    code = "workbook_too_large"
    status = 422
    rule = "APP-3"
    message_zh = "工作簿解压后过大或压缩比异常（{reason_zh}），拒绝读取"
    message_en = "The workbook unpacks too large or at an impossible ratio ({reason_en}); not read"


class FileTooLarge(DomainError):
    code = "file_too_large"
    status = 413
    rule = "APP-3"
    message_zh = "文件超过{limit_mb}MB，请分成多个文件上传"
    message_en = "The file is over {limit_mb} MB; split it into several files"


class TooManyRows(DomainError):
    code = "too_many_rows"
    status = 422
    rule = "APP-3"
    message_zh = "一个文件最多{limit}名人员{seen_zh}，请分成多个文件上传"
    message_en = "A file holds at most {limit} members{seen_en}; split it into several files"


class HeaderNotFound(DomainError):
    code = "header_not_found"
    status = 422
    rule = "APP-3"
    message_zh = "前10行中找不到表头（须含“姓名”“证件号码”等列），请使用登记表模板"
    message_en = (
        "No header row in the first 10 rows (it needs 'Name', 'Document number'...); use the"
        " registration form template"
    )


class ColumnsMissing(DomainError):
    code = "columns_missing"
    status = 422
    rule = "APP-3"
    message_zh = "表头缺少必填列：{columns_zh}"
    message_en = "The header lacks required columns: {columns_en}"


class NoMembers(DomainError):
    code = "no_members"
    status = 422
    rule = "APP-3"
    message_zh = "文件中没有人员数据行"
    message_en = "The file holds no member rows"


class CsvUnreadable(DomainError):
    code = "csv_unreadable"
    status = 422
    rule = "APP-3"
    message_zh = "CSV文件无法读取：{reason_zh}；请以UTF-8或GB18030编码保存"
    message_en = "The CSV file cannot be read: {reason_en}; save it as UTF-8 or GB18030"


@dataclass(frozen=True)
class Upload:
    """An upload read: its kind (xlsx or csv) and its member rows in file order."""

    kind: str
    rows: list[MemberRow]


def read_upload(data: bytes) -> Upload:
    """The member rows of an uploaded file, its kind told by its content (not its name).

    Raises NotAWorkbook, OldExcelFormat, WorkbookTooLarge, FileTooLarge, TooManyRows,
    HeaderNotFound, ColumnsMissing, NoMembers or CsvUnreadable; nothing is read beyond them."""
    if len(data) > MAX_FILE_BYTES:
        raise FileTooLarge(field="file", limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise OldExcelFormat(field="file")
    if data[:2] == b"PK":
        return Upload("xlsx", _read_xlsx(data))
    return Upload("csv", _read_csv(data))


# ---- xlsx ----


def checked_zip(data: bytes) -> zipfile.ZipFile:
    """The zip of an uploaded .xlsx, its directory checked before anything is unpacked: no
    zip, too many parts, too large unpacked or at a bomb's ratio, no workbook part -> refused
    (NotAWorkbook, WorkbookTooLarge)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise NotAWorkbook(
            field="file", detail_zh="（压缩包已损坏）", detail_en=" (a broken zip)"
        ) from None
    if len(parts) > MAX_PARTS:
        raise WorkbookTooLarge(
            field="file", reason_zh=f"{len(parts)}个部件", reason_en=f"{len(parts)} parts"
        )
    total = sum(p.file_size for p in parts)
    if total > MAX_UNPACKED_BYTES:
        mb = total // (1024 * 1024)
        raise WorkbookTooLarge(
            field="file", reason_zh=f"解压后{mb}MB", reason_en=f"{mb} MB unpacked"
        )
    for p in parts:
        if p.file_size > 1024 * 1024 and p.file_size > MAX_RATIO * max(p.compress_size, 1):
            ratio = p.file_size // max(p.compress_size, 1)
            raise WorkbookTooLarge(
                field="file", reason_zh=f"压缩比{ratio}:1", reason_en=f"ratio {ratio}:1"
            )
    if "xl/workbook.xml" not in {p.filename for p in parts}:
        raise NotAWorkbook(
            field="file",
            detail_zh="（压缩包中没有工作簿）",
            detail_en=" (a zip without a workbook)",
        )
    return archive


def _read_xlsx(data: bytes) -> list[MemberRow]:
    archive = checked_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a broken part; all mean the same here
        raise NotAWorkbook(
            field="file", detail_zh="（工作簿已损坏）", detail_en=" (a broken workbook)"
        ) from None
    try:
        if not book.worksheets:
            raise NoMembers(field="file")
        sheet = book.worksheets[0]
        declared = sheet.max_row
        if declared is not None and declared > rules.MAX_ROWS + HEADER_SEARCH_ROWS + 1:
            raise TooManyRows(
                field="file",
                limit=rules.MAX_ROWS,
                seen_zh=f"（本文件约{declared - 1}行）",
                seen_en=f" (this one about {declared - 1})",
            )
        merged = _merged_cells(archive, getattr(sheet, "_worksheet_path", ""))
        wide = sheet.max_column is None or sheet.max_column > READ_COLUMNS
        rows = sheet.iter_rows(max_col=READ_COLUMNS if wide else None, values_only=True)
        return _members(enumerate(rows, start=1), merged)
    finally:
        book.close()


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


def _merged_cells(archive: zipfile.ZipFile, path: str) -> dict[int, set[int]]:
    """Row -> 0-based columns covered by a merged range but for its first cell (read-only
    openpyxl does not read merges: a merged member cell would read as empty)."""
    found: dict[int, set[int]] = {}
    if not path:
        return found
    tail = b""
    with archive.open(path.lstrip("/")) as part:
        while chunk := part.read(1 << 20):
            window = tail + chunk
            for ref in _MERGE_REF.findall(window):
                lo_col, lo_row, hi_col, hi_row = range_boundaries(ref.decode())
                for r in range(lo_row or 1, (hi_row or 1) + 1):
                    for c in range(lo_col or 1, (hi_col or 1) + 1):
                        if (r, c) != (lo_row, lo_col):
                            found.setdefault(r, set()).add(c - 1)
                # the first cell too: its value stands for several rows or columns
                found.setdefault(lo_row or 1, set()).add((lo_col or 1) - 1)
            tail = window[-200:]
    return found


def _members(
    numbered: Iterable[tuple[int, Iterable[Any]]], merged: dict[int, set[int]]
) -> list[MemberRow]:
    """Find the header in the first rows, then every non-empty row after it as a member."""
    header: dict[int, str] | None = None
    members: list[MemberRow] = []
    for number, values in numbered:
        cells = tuple(values)
        if header is None:
            if rules.is_header(cells):
                header = rules.header_keys(cells)
                missing = rules.missing_columns(header.values())
                if missing:
                    raise ColumnsMissing(
                        field="file",
                        columns_zh="、".join(c.zh for c in missing),
                        columns_en=", ".join(c.en for c in missing),
                    )
            elif number >= HEADER_SEARCH_ROWS:
                raise HeaderNotFound(field="file")
            continue
        if not any(v is not None and str(v).strip() for v in cells):
            continue
        if len(members) >= rules.MAX_ROWS:
            raise TooManyRows(field="file", limit=rules.MAX_ROWS, seen_zh="", seen_en="")
        width = len(cells)
        values_by_key = {key: cells[i] for i, key in header.items() if i < width}
        row = rules.member_row(number, values_by_key)
        formulas = [k for k, v in row.cells.items() if v[0] == "="]
        spans = merged.get(number, ())
        if formulas or spans:
            problems = dict(row.problems)
            for key in formulas:
                problems[key] = CellProblem.FORMULA
            for i in spans:
                if i in header:
                    problems.setdefault(header[i], CellProblem.MERGED)
            row = MemberRow(number, row.cells, problems)
        members.append(row)
    if header is None:
        raise HeaderNotFound(field="file")
    if not members:
        raise NoMembers(field="file")
    return members


# ---- csv ----


def _read_csv(data: bytes) -> list[MemberRow]:
    if b"\x00" in data:
        raise NotAWorkbook(
            field="file", detail_zh="（含二进制内容）", detail_en=" (binary content)"
        )
    if data.startswith(b"%PDF"):
        raise NotAWorkbook(field="file", detail_zh="（这是PDF文件）", detail_en=" (this is a PDF)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise CsvUnreadable(field="file", reason_zh="编码无法识别", reason_en="unknown encoding")
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        return _members(_csv_rows(reader), {})
    except csv.Error as bad:
        raise CsvUnreadable(
            field="file",
            reason_zh=f"第{reader.line_num}行格式错误",
            reason_en=f"line {reader.line_num}: {bad}"[:120],
        ) from None


def _csv_rows(reader: Any) -> Iterator[tuple[int, list[str]]]:
    for values in reader:
        yield reader.line_num, values


# ---- the template (江苏省社会保障卡申领登记表) ----

TEXT: Final = "@"
TEMPLATE_ROWS: Final = 2_000  # rows formatted as text and offered the lists; more may be added


def template() -> bytes:
    """The registration form as an .xlsx: a title, the header (Chinese, * for required), the
    number columns formatted as text (so Excel keeps leading zeros and all 18 digits), lists
    for the document type, gender and yes/no, and a sheet of instructions."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "登记表"
    sheet.append([rules.TITLE_ZH])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([c.zh + ("*" if c.required else "") for c in COLUMNS])
    for i, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        sheet.cell(row=2, column=i).font = Font(bold=True)
        sheet.column_dimensions[letter].width = 22 if "number" in column.key else 14
        for r in range(3, TEMPLATE_ROWS + 3):
            sheet.cell(row=r, column=i).number_format = TEXT
    last = TEMPLATE_ROWS + 2
    doc_types = ",".join(t.label_zh for t in DocumentType)
    lists = {
        "document_type": doc_types,
        "guardian_document_type": doc_types,
        "gender": "男,女",
        "photo_to_follow": "是,否",
        "guardian_relationship": "父母,祖父母,外祖父母,兄弟姐妹,其他监护人",
        "guardianship_proof": "户口簿,出生证明,监护证明",
    }
    for key, options in lists.items():
        letter = get_column_letter([c.key for c in COLUMNS].index(key) + 1)
        check = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        sheet.add_data_validation(check)
        check.add(f"{letter}3:{letter}{last}")
    sheet.freeze_panes = "A3"
    notes = book.create_sheet("填写说明")
    for line in _INSTRUCTIONS:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_INSTRUCTIONS: Final = (
    rules.TITLE_ZH + " 填写说明",
    "1. 每行一名人员；带*的列必填。从第3行起填写，不要改动表头。",
    "2. 证件号码、手机号码列已设为文本格式，请勿改为数字或日期格式，勿使用公式或合并单元格。",
    "3. 人员须已在社会保障卡系统登记（在经办网点登记过）；姓名须与登记的一致。",
    "4. 未满18周岁或无完全民事行为能力者，须填写监护人姓名、证件、关系和监护关系证明。",
    "5. 满7周岁且系统中没有照片者，“照片后补”填“是”，由单位通过门户补交照片；否则该行不受理。",
    "6. 已持有有效社会保障卡或有办理中的申领者不受理（省内一人一卡）。",
    "7. 受理后不即时制卡，自受理之日起30个自然日内办结。",
    "8. 结果工作簿第一页为未受理的行及原因：修改后可直接再次上传该页。",
    "也可上传CSV文件（UTF-8或GB18030编码），第一行为同样的表头。",
)


# ---- the result workbook ----


def _safe(sheet: Any, value: object) -> Any:
    """A cell that is text, never a formula, whatever the member typed (no formula injection)."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


@dataclass(frozen=True)
class ResultRow:
    row_number: int
    outcome: str
    name_masked: str | None
    number_masked: str | None
    reference: str | None
    photo_pending: bool
    reason_zh: str | None
    reason_en: str | None
    cells: dict[str, str] | None  # a refused row's cells as uploaded, to fix


def result_workbook(batch: dict[str, Any], rows: Iterable[ResultRow]) -> bytes:
    """The per-row result: first the rows not accepted, in the form's layout with the row
    number and the reason after the form's columns (fix them and upload this sheet again); then
    every row's outcome, masked (SPEC ID-6)."""
    book = Workbook(write_only=True)
    fix = book.create_sheet("需修改的行")
    fix.append([f"{rules.TITLE_ZH}（批次{batch['reference']}未受理的行）"])
    fix.append(
        [c.zh + ("*" if c.required else "") for c in COLUMNS]
        + [rules.RESULT_ROW_ZH, rules.RESULT_REASON_ZH, "Reason"]
    )
    everything = book.create_sheet("全部结果")
    everything.append(
        ["原行号", "姓名", "证件号码", "结果", "申领编号", "照片后补", "原因", "Reason"]
    )
    for r in rows:
        if r.outcome != "accepted":
            cells = r.cells or {}
            fix.append(
                [_safe(fix, cells.get(c.key, "")) for c in COLUMNS]
                + [r.row_number, r.reason_zh, r.reason_en]
            )
        everything.append(
            [
                r.row_number,
                r.name_masked,
                r.number_masked,
                "受理" if r.outcome == "accepted" else "未受理",
                r.reference,
                "是" if r.photo_pending else "",
                r.reason_zh,
                r.reason_en,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def seal_cells(row: MemberRow) -> bytes:
    """A row's cells as JSON bytes (sealed by the caller), for the result workbook."""
    return json.dumps(dict(row.cells), ensure_ascii=False).encode()


def open_cells(data: bytes) -> dict[str, str]:
    loaded = json.loads(data.decode())
    return {str(k): str(v) for k, v in loaded.items()}


def iso_day(value: date) -> str:
    return value.isoformat()
