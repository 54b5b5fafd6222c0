"""Files that are not the form (issue 13, "Scale and bad input"; SPEC APP-3): a clear refusal
in Chinese and English with a stable code, and nothing stored; cells that are not plain text
refuse their own row only, naming the column."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook

from sscard.units import rules
from sscard.units.workbook import CSV_MEDIA
from tests.integration.units.conftest import HEADERS, member, rows_of, upload, xlsx
from tests.support.api import Api
from tests.support.numbers import citizen_number

# Nothing here differs by database: it runs once, on SQLite (Makefile, test-postgres).
pytestmark = pytest.mark.any_database


NOTHING = ("unit_batches", "unit_batch_rows", "applications")


async def _stored(api: Api) -> dict[str, int]:
    return {t: await api.count(t) for t in NOTHING}


def _bomb() -> bytes:
    """A zip holding a workbook part that unpacks to 300 MB of zeros (a zip bomb)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                part.write(chunk)
    return out.getvalue()


def _million_rows() -> bytes:
    """A small file that says it holds 1,000,001 rows (its dimension) with a row that far."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    sheet.append(["1", "测试人", "居民身份证", "110101199003070011"])
    out = io.BytesIO()
    book.save(out)
    data = io.BytesIO(out.getvalue())
    patched = io.BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = body.replace(b"<sheetData>", b'<dimension ref="A1:M1000001"/><sheetData>', 1)
                body = body.replace(
                    b"</sheetData>",
                    b'<row r="1000001"><c r="B1000001" t="inlineStr"><is><t>x</t></is></c></row>'
                    b"</sheetData>",
                )
            dst.writestr(item, body)
    return patched.getvalue()


FILES = {
    "pdf": (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF", "not_a_workbook"),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old_excel_format"),
    "docx": (b"", "not_a_workbook"),
    "bomb": (b"", "workbook_too_large"),
    "million": (b"", "too_many_rows"),
    "no_header": (b"", "header_not_found"),
    "no_number_column": (b"", "columns_missing"),
    "empty": (b"", "no_members"),
}


def _file(kind: str) -> bytes:
    if kind == "docx":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("word/document.xml", "<w:document/>")
        return out.getvalue()
    if kind == "bomb":
        return _bomb()
    if kind == "million":
        return _million_rows()
    if kind == "no_header":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for i in range(12):
            sheet.append([f"说明{i}"])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    if kind == "no_number_column":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["姓名", "证件号码"])
        sheet.append(["测试人", "110101199003070011"])
        # the header has Name and Document number but not Document type
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    if kind == "empty":
        return xlsx([])
    return FILES[kind][0]


@pytest.mark.parametrize("kind", list(FILES))
async def test_a_file_that_is_not_the_form_is_refused_whole_and_stores_nothing(
    api: Api, unit: dict[str, Any], kind: str
) -> None:
    """Issue 13: a renamed PDF, an old .xls, a zip that is no workbook, a zip bomb, 10^6 rows,
    no header, a missing column, no member: a stable code, zh and en, nothing stored."""
    before = await _stored(api)
    r = await upload(api, _file(kind))
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == FILES[kind][1]
    assert problem["field"] == "file"
    assert problem["detail_zh"]
    assert problem["detail_en"]
    assert problem["rule"] == "APP-3"
    assert await _stored(api) == before


async def test_a_file_over_the_size_limit_is_not_read(api: Api, unit: dict[str, Any]) -> None:
    """Issue 13: an upload is bounded before it is read (413)."""
    from sscard.units.workbook import MAX_FILE_BYTES

    r = await upload(api, b"x" * (MAX_FILE_BYTES + 20_000), media=CSV_MEDIA)
    assert r.status_code == 413
    assert r.json()["code"] == "body_too_large"


async def test_cells_that_are_not_plain_text_refuse_their_own_row_only(
    api: Api, unit: dict[str, Any]
) -> None:
    """Issue 13: a formula, a date, a long number stored as a number, a short one that lost
    its leading zero and merged cells each refuse their row naming the column; the good row
    beside them is accepted."""
    good = await api.person()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([rules.TITLE_ZH])
    sheet.merge_cells("A1:M1")  # the title's merge is not a member's
    sheet.append(HEADERS)
    sheet.append(["1", "测试人", "居民身份证", api.numbers[good["person_id"]]])
    sheet.append(["2", "测试人", "居民身份证", "=A3&B3"])
    sheet.append(["3", "测试人", "居民身份证", date(2020, 1, 1)])
    sheet.append(["4", "测试人", "居民身份证", 110101199003070011])
    sheet.append(["5", "测试人", "台湾居民来往大陆通行证", 1234567])
    sheet.append(["6", "测试人", "居民身份证", citizen_number(date(1990, 1, 1))])
    sheet.append(["7", "", "居民身份证", citizen_number(date(1990, 1, 1))])
    sheet.merge_cells("B8:B9")
    out = io.BytesIO()
    book.save(out)
    r = await upload(api, out.getvalue())
    assert r.status_code == 201, r.text
    result = {row["row_number"]: row for row in await rows_of(api, r.json()["reference"])}
    codes = {n: (row["refusal"] or {}).get("code") for n, row in result.items()}
    fields = {n: (row["refusal"] or {}).get("field") for n, row in result.items()}
    assert codes == {
        3: None,
        4: "cell_is_formula",
        5: "cell_is_date",
        6: "number_stored_as_number",
        7: "number_stored_as_number",
        8: "cell_is_merged",
        9: "cell_is_merged",
    }
    assert fields[4] == fields[5] == fields[6] == fields[7] == "document_number"
    assert fields[8] == "name"
    assert result[3]["outcome"] == "accepted"
    assert r.json()["rows_accepted"] == 1


async def test_a_csv_with_a_byte_order_mark_and_a_formula_like_cell(
    api: Api, unit: dict[str, Any]
) -> None:
    """Issue 13: UTF-8 with a BOM is read; a cell starting with '=' (formula injection) is
    refused on its row and given back as text, never as a formula, in the result workbook."""
    from tests.integration.units.conftest import csv_bytes

    good = await api.person()
    data = csv_bytes(
        [member(number=api.numbers[good["person_id"]]), member(name="=cmd|' /C calc'!A0")]
    )
    assert data.startswith(b"\xef\xbb\xbf")
    r = await upload(api, data, media=CSV_MEDIA)
    assert r.status_code == 201, r.text
    assert (r.json()["rows_accepted"], r.json()["rows_refused"]) == (1, 1)
    wb = await api.get(f"/api/v1/unit-batches/{r.json()['reference']}/result.xlsx", "unit")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(wb.content))
    fix = book.worksheets[0]
    cell = fix.cell(row=3, column=2)
    assert cell.value == "=cmd|' /C calc'!A0"
    assert cell.data_type == "s"
