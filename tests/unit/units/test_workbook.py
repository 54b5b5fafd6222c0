"""Reading an upload safely and writing the template and the result (issue 13, "Scale and bad
input"; SPEC APP-3)."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from sscard.units import rules, workbook
from sscard.units.workbook import ResultRow


def test_the_template_is_the_registration_form() -> None:
    """SPEC APP-3: the form 江苏省社会保障卡申领登记表, number columns formatted as text."""
    book = load_workbook(io.BytesIO(workbook.template()))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == rules.TITLE_ZH
    headers = [c.value for c in sheet[2]]
    assert headers[:4] == ["序号", "姓名*", "证件类型*", "证件号码*"]
    assert sheet["D3"].number_format == "@"
    assert "A1:M1" in {str(r) for r in sheet.merged_cells.ranges}


def test_the_template_itself_reads_as_a_form_without_members() -> None:
    """Issue 13: the title's merged cells are not a member's; an empty form has no members."""
    with pytest.raises(workbook.NoMembers):
        workbook.read_upload(workbook.template())


def test_a_csv_in_gb18030_and_in_utf8_reads_the_same() -> None:
    text = "姓名,证件类型,证件号码\n张三,居民身份证,110101199003070011\n\n"
    for data in (text.encode("gb18030"), text.encode("utf-8-sig"), text.encode()):
        upload = workbook.read_upload(data)
        assert upload.kind == "csv"
        [member] = upload.rows
        assert (member.row_number, member.get("name")) == (2, "张三")


def test_a_csv_cell_starting_with_equals_is_marked_as_a_formula() -> None:
    """Issue 13: formula injection through a CSV is refused on its row."""
    upload = workbook.read_upload("姓名,证件类型,证件号码\n=1+1,居民身份证,1\n".encode())
    assert upload.rows[0].problems == {"name": rules.CellProblem.FORMULA}


def test_a_zip_that_unpacks_at_an_impossible_ratio_is_refused_before_it_is_opened() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 << 20))
    with pytest.raises(workbook.WorkbookTooLarge):
        workbook.read_upload(out.getvalue())


def test_the_result_keeps_refused_cells_as_text_and_masks_the_rest() -> None:
    """ID-6 and formula injection: the refused rows come back as typed, never as formulas."""
    rows = [
        ResultRow(3, "accepted", "张*", "110***11", "SQ1", False, None, None, None),
        ResultRow(4, "refused", "=*", None, None, False, "原因", "reason", {"name": "=A1"}),
    ]
    book = load_workbook(io.BytesIO(workbook.result_workbook({"reference": "PC1"}, rows)))
    fix, everything = book.worksheets
    assert fix.cell(row=3, column=2).value == "=A1"
    assert fix.cell(row=3, column=2).data_type == "s"
    assert fix.cell(row=3, column=15).value == "原因"
    assert [c.value for c in everything[2]][:5] == [3, "张*", "110***11", "受理", "SQ1"]
    again = workbook.read_upload(workbook.result_workbook({"reference": "PC1"}, rows))
    assert [r.row_number for r in again.rows] == [3]
