"""The payment batch's report file in the reader's language (SPEC PAY-1, PAY-2): header,
kinds, statuses and reasons in Chinese or English, amounts in yuan, times in Beijing time."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from sscard.payments.report_file import report_header, report_language, report_lines

LINE = {
    "payment_id": 1,
    "line": 1,
    "payer_reference": "P0001",
    "ssn_masked": "3204**********0011",
    "amount_fen": 312_050,
    "kind": "pension",
    "period": "2026-11",
    "status": "refused",
    "card_number_masked": "C1****678",
    "bank_code": "ICBC",
    "instruction_id": "CI-1-1",
    "answered_at": datetime(2026, 12, 3, 6, 13, 7, 765233, tzinfo=UTC),
    "reason": "account_frozen",
    "text_zh": "账户已冻结",
    "text_en": "the account is frozen",
}


def _rows(language: str) -> list[dict[str, str]]:
    text = report_header(language).removeprefix("\ufeff") + report_lines([LINE], language)
    return list(csv.DictReader(io.StringIO(text)))


def test_the_chinese_report_reads_in_chinese_with_beijing_time() -> None:
    [row] = _rows("zh")
    assert row["类别"] == "养老金"
    assert row["类别代码"] == "pension"
    assert row["状态"] == "银行拒绝入账"
    assert row["原因"] == "账户已冻结"
    assert row["金额（元）"] == "3120.50"
    assert row["银行答复时间（北京时间）"] == "2026-12-03 14:13:07"
    assert "text_zh" not in row


def test_the_english_report_names_its_columns_and_texts_in_english() -> None:
    [row] = _rows("en")
    assert row["Kind"] == "pension"
    assert row["Status"] == "refused by the bank"
    assert row["Reason"] == "the account is frozen"
    assert row["Bank answered at (Beijing time)"] == "2026-12-03 14:13:07"
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in "".join(row) + "".join(row.values()))


def test_an_unanswered_payment_has_empty_time_and_reason() -> None:
    line = {**LINE, "answered_at": None, "reason": None, "text_zh": None, "text_en": None}
    [row] = list(csv.reader(io.StringIO(report_lines([line], "zh"))))
    assert (row[-1], row[-3]) == ("", "")


@pytest.mark.parametrize(
    ("chosen", "header", "expected"),
    [
        (None, None, "zh"),
        (None, "en-GB,en;q=0.9", "en"),
        (None, "zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        (None, "fr, en;q=0.5", "en"),
        ("zh", "en", "zh"),
        ("en", None, "en"),
        (None, "de", "zh"),
    ],
)
def test_the_language_is_the_one_asked_for_else_accept_language_else_chinese(
    chosen: str | None, header: str | None, expected: str
) -> None:
    assert report_language(chosen, header) == expected
