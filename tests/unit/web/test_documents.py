"""The printed forms drawn from their data, checked as a reader sees them (issue 12 item 3):
rendered to PNG by poppler's pdftoppm (with poppler-data for the CID font), the QR code read
back by zxing-cpp, the text extracted by pdftotext."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import replace
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from reportlab.lib.units import mm

from sscard.registry.reference.entities import Bank, City, Outlet
from sscard.web.documents import pdf
from sscard.web.documents import receipt as receipt_form
from sscard.web.documents import temporary_medical as temporary_form
from sscard.web.documents.receipt import Receipt
from sscard.web.documents.receipt import render as render_receipt
from sscard.web.documents.temporary_medical import TemporaryMedicalCard
from sscard.web.documents.temporary_medical import render as render_card

DPI = 100
A4_PX = (827, 1170)  # 210 × 297 mm at 100 dpi
ACCEPTED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Beijing

RECEIPT = Receipt(
    reference="SQ32042026112300000042",
    kind="first",
    status="accepted",
    making="fast",
    accepted_at=ACCEPTED,
    due_date=date(2026, 11, 30),
    due_waits_for_year=None,
    fee_fen=0,
    holder_name="测**",
    holder_ssn="320402********123X",
    representative=None,
    outlet_name="常州市社会保障卡服务中心（新北）",
    outlet_address="常州市新北区锦绣路2号",
    outlet_phone="0519-85588888",
    outlet_hours="周一至周五 9:00-17:00",
    bank_name="中国工商银行",
)
CARD = TemporaryMedicalCard(
    number="LS32042600000007",
    status="valid",
    issued_at=ACCEPTED,
    ended_at=None,
    holder_name="测**",
    holder_ssn="320402********123X",
    city_name="常州市",
    outlet_name="常州市社会保障卡服务中心（新北）",
    outlet_phone="0519-85588888",
    application_reference="SQ32042026112300000043",
    application_kind="replacement",
    due_date=date(2026, 11, 30),
    due_waits_for_year=None,
)


# ---- how a reader sees a PDF (also used by tests/browser/test_documents.py) ----


def rasterise(document: bytes, dpi: int = DPI) -> Image.Image:
    """The first page as poppler draws it, in colour (PPM: quicker than PNG to write)."""
    assert document.startswith(b"%PDF-")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "form.pdf"
        source.write_bytes(document)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
             str(source), str(Path(tmp) / "page")],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return Image.open(BytesIO((Path(tmp) / "page.ppm").read_bytes())).convert("RGB")


def pdf_text(document: bytes) -> str:
    """The text a reader copies out of the PDF, in drawing order, its line breaks taken out
    (a wrapped Chinese sentence reads whole; pdftotext maps the CID font back to Unicode)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "form.pdf"
        source.write_bytes(document)
        done = subprocess.run(
            ["pdftotext", "-raw", str(source), "-"], check=True, capture_output=True
        )
    return done.stdout.decode().replace("\n", "")


def qr_texts(page: Image.Image) -> list[str]:
    """What the QR codes on the page read."""
    return [found.text for found in zxingcpp.read_barcodes(page)]


def ink(page: Image.Image, box: tuple[float, float, float, float] | None = None) -> float:
    """The share of dark pixels in `box` (left, top, right, bottom in mm from the top left)."""
    if box is not None:
        scale = page.width / 210
        page = page.crop(tuple(round(v * scale) for v in box))  # type: ignore[arg-type]
    histogram = page.convert("L").histogram()
    return sum(histogram[:128]) / max(1, page.width * page.height)


# ---- the application receipt (回执单) ----


def test_receipt_carries_the_reference_as_text_and_as_a_qr_code() -> None:
    """SPEC ISS-3, APP-7: the reference the holder brings back reads from the QR code too."""
    document = render_receipt(RECEIPT)
    page = rasterise(document)
    assert page.size == A4_PX
    assert qr_texts(page) == [RECEIPT.reference]
    text = pdf_text(document)
    for shown in (
        "江苏省社会保障卡申领回执单",
        RECEIPT.reference,
        "2026年11月30日",  # APP-7: the due date
        "快速制卡",  # APP-2: the making mode
        "常州市社会保障卡服务中心（新北）",
        "中国工商银行",  # APP-6: the chosen bank
        "测**",  # ID-6: masked
        "320402********123X",
        "免费",  # APP-8
        "已受理",
        "本人有效身份证件原件和本回执",  # ISS-3: what to bring
        "代领人双方的有效身份证件",  # ISS-3, ID-4
    ):
        assert shown in text, shown


def test_receipt_page_is_inked_where_its_text_is_and_nowhere_past_its_margins() -> None:
    """The page is not blank: title, table and notes are drawn; nothing runs off the page."""
    page = rasterise(render_receipt(RECEIPT))
    assert ink(page, (20, 20, 150, 40)) > 0.01  # the title
    assert ink(page, (20, 65, 190, 150)) > 0.02  # the table
    assert ink(page, (20, 150, 190, 210)) > 0.01  # what to bring
    assert ink(page, (0, 0, 19, 297)) == 0  # the left margin
    assert ink(page, (191, 0, 210, 297)) == 0  # the right margin


def test_receipt_says_the_due_date_is_unknown_while_its_year_has_no_calendar() -> None:
    """SPEC APP-7, §17: a deadline in a year without a holiday calendar is unknown, not guessed."""
    unknown = replace(RECEIPT, due_date=None, due_waits_for_year=2027)
    text = pdf_text(render_receipt(unknown))
    assert "预计领卡日期" in text
    assert "未知（待2027年法定节假日安排公布后确定）" in text
    assert "2026年11月30日" not in text


def test_receipt_of_an_instant_outlet_says_the_card_is_taken_at_once() -> None:
    """SPEC APP-2: at an instant outlet the card is made on the spot (立等可取)."""
    instant = replace(
        RECEIPT, making="instant", status="ready_for_collection", due_date=date(2026, 11, 23)
    )
    text = pdf_text(render_receipt(instant))
    assert "即时制卡（立等可取）" in text
    assert "2026年11月23日（即时制卡，当场领取）" in text


def test_receipt_names_the_guardian_masked_when_one_applied() -> None:
    """SPEC ID-4, ID-6: the recorded guardian, masked."""
    text = pdf_text(render_receipt(replace(RECEIPT, representative="王**（监护人）")))
    assert "代办人/监护人" in text
    assert "王**（监护人）" in text


@pytest.mark.parametrize(("status", "word"), [("withdrawn", "已撤回"), ("collected", "已领卡")])
def test_receipt_of_a_closed_application_is_stamped_for_the_file_only(
    status: str, word: str
) -> None:
    """SPEC APP-7: a reprint for a withdrawn or collected application cannot pass for a live
    receipt: it carries a red stamp across the page."""
    live = rasterise(render_receipt(RECEIPT), dpi=40)
    document = render_receipt(replace(RECEIPT, status=status))
    assert f"{word}（仅供存档）" in pdf_text(document)
    stamped = rasterise(document, dpi=40)
    assert ink(stamped, (40, 120, 170, 175)) > ink(live, (40, 120, 170, 175)) + 0.02


def test_the_same_receipt_prints_the_same_bytes() -> None:
    """Invariant PDFs: no creation time or random id in the file."""
    assert render_receipt(RECEIPT) == render_receipt(RECEIPT)


# ---- the temporary medical card (临时医保卡) ----


def test_temporary_medical_card_carries_its_number_as_a_qr_code_on_a_card_sized_face() -> None:
    """SPEC REP-1: the card's number reads from its QR code; its face is drawn at ID-1 size."""
    document = render_card(CARD)
    page = rasterise(document)
    assert qr_texts(page) == [CARD.number]
    card_left = (210 - 85.6) / 2
    assert ink(page, (card_left, 45, card_left + 85.6, 45 + 54)) > 0.05  # the face
    text = pdf_text(document)
    for shown in (
        "临时医保卡",
        CARD.number,
        "测**",
        "320402********123X",
        "至新社会保障卡领取之日",  # REP-1: it ends at collection
        CARD.application_reference,
        "2026年11月30日",  # APP-7: when the new card is due
        "补领（挂失后补卡）",
    ):
        assert shown in text, shown


def test_an_ended_temporary_medical_card_is_stamped_ended() -> None:
    """SPEC REP-1: a card that ended with the collection prints as ended, with the day."""
    ended = replace(CARD, status="ended", ended_at=datetime(2026, 11, 30, 3, 0, tzinfo=UTC))
    text = pdf_text(render_card(ended))
    assert "已失效" in text
    assert "本卡已于2026年11月30日失效" in text


def test_temporary_medical_card_says_when_the_new_card_is_due_is_unknown() -> None:
    """SPEC APP-7, §17."""
    text = pdf_text(render_card(replace(CARD, due_date=None, due_waits_for_year=2027)))
    assert "新卡预计领卡日期：未知（待2027年" in text


# ---- from what the use cases answer ----

OUTLET = Outlet(
    id=2, code="3204-HR-002", city_code="3204", name_zh="天宁区社会保障卡服务网点",
    name_en="Tianning", kind="hr", bank_code=None, making="fast", address_zh="常州市天宁区",
    phone=None, hours_zh=None, operations=["apply"], active=True, source="test",
)  # fmt: skip
BANK = Bank(code="ICBC", name_zh="中国工商银行", name_en="ICBC", hotline="95588", bins=[])
CITY = City(
    code="3204", area_code="320400", name_zh="常州市", name_en="Changzhou",
    card_title_zh="江苏（常州）一卡通", transport_zone=None,
)  # fmt: skip


def test_a_receipt_is_made_from_the_application_as_the_api_shows_it() -> None:
    """SPEC APP-7, ID-4, ID-6: the view's masked holder, guardian and unknown due date."""
    view = {
        "reference": "SQ32042026112300000042",
        "kind": "first",
        "status": "accepted",
        "making": "fast",
        "accepted_at": ACCEPTED,
        "due_date": None,
        "due_waits_for_calendar_year": 2027,
        "fee_fen": 0,
        "person": {"name": "测**", "ssn": "320402********123X"},
        "representative": {"role": "guardian", "name": "王**"},
    }
    made = receipt_form.from_view(view, OUTLET, BANK)
    assert (made.due_date, made.due_waits_for_year) == (None, 2027)
    assert made.representative == "王**（监护人）"
    assert ("预计领卡日期", "未知（待2027年法定节假日安排公布后确定）") in receipt_form.rows(made)
    # An outlet without phone or hours says neither.
    assert not any("咨询电话" in note for note in receipt_form.collection_notes(made))


def test_a_temporary_card_is_made_from_its_read() -> None:
    """SPEC REP-1, APP-7: card_of_number's answer, the new card's due date unknown."""
    read = {
        "number": CARD.number,
        "status": "valid",
        "issued_at": ACCEPTED,
        "ended_at": None,
        "application_reference": CARD.application_reference,
        "holder": {"name": "测**", "ssn": "320402********123X"},
        "city_code": "3204",
        "outlet_code": "3204-HR-002",
        "application_kind": "exchange",
        "application_due_date": None,
        "due_waits_for_calendar_year": 2027,
    }
    made = temporary_form.from_view(read, OUTLET, CITY)
    assert (made.city_name, made.outlet_name) == ("常州市", "天宁区社会保障卡服务网点")
    assert "新卡预计领卡日期：未知（待2027年法定节假日安排公布后确定）。" in "".join(
        temporary_form.notes(made)
    )


# ---- what the forms share ----


def test_a_line_breaks_between_chinese_characters_but_never_inside_a_reference() -> None:
    pdf.font()
    reference = "SQ32042026112300000042"
    width = 60 * mm
    lines = pdf.wrap(f"对应申领编号：{reference}；新卡预计领卡日期未知。", 10.5, width)
    assert len(lines) > 1
    assert any(reference in line for line in lines)
    assert all(pdf.pdfmetrics.stringWidth(line, pdf.FONT, 10.5) <= width for line in lines)
    assert "".join(lines) == f"对应申领编号：{reference}；新卡预计领卡日期未知。"


def test_due_dates_and_fees_read_as_a_counter_says_them() -> None:
    """SPEC APP-7, APP-8."""
    assert pdf.due_zh(date(2026, 12, 1), None) == "2026年12月1日"
    assert pdf.due_zh(None, 2027) == "未知（待2027年法定节假日安排公布后确定）"
    assert pdf.due_zh(None, None) == "未知"
    assert pdf.yuan(0) == "免费"
    assert pdf.yuan(2000) == "20.00元"
    assert pdf.moment_zh(ACCEPTED) == "2026年11月23日 10:00"
