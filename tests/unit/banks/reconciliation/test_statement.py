"""Reading a bank's statement: every line checked, problems named by line (no database)."""

from __future__ import annotations

import io

import pytest

from sscard.banks.reconciliation.statement import (
    MAX_REPORTED,
    StatementLine,
    StatementRefused,
    check_line,
    chunks,
    read,
)
from sscard.cards.lifecycle import FinancialStatus

HEADER = b"card_number,account_number,financial_status\n"
ACCOUNT = "6222020000001234"


def lines(body: bytes) -> list[StatementLine]:
    return list(read(io.BytesIO(body)))


def refusal(body: bytes) -> StatementRefused:
    with pytest.raises(StatementRefused) as caught:
        lines(body)
    return caught.value


def test_a_good_statement_reads_line_by_line() -> None:
    body = b"\xef\xbb\xbf" + HEADER + b"A00000001, 6222020000001234 ,active\r\n\nB12345678,"
    body += ACCOUNT.encode() + b",closed\n"

    got = lines(body)

    assert got == [
        StatementLine(2, "A00000001", ACCOUNT, FinancialStatus.ACTIVE),
        StatementLine(4, "B12345678", ACCOUNT, FinancialStatus.CLOSED),
    ]


def test_the_statement_can_be_read_twice() -> None:
    stream = io.BytesIO(HEADER + b"A00000001,6222020000001234,lost\n")
    assert list(read(stream)) == list(read(stream))
    assert not stream.closed


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (["A0000001", ACCOUNT, "active"], "card_number"),
        (["I00000001", ACCOUNT, "active"], "card_number"),  # no I: it reads as a one
        (["a00000001", ACCOUNT, "active"], "card_number"),
        (["A00000001", "62220200000", "active"], "account_number"),
        (["A00000001", "6" * 33, "active"], "account_number"),
        (["A00000001", "6222-0200-0000-1234", "active"], "account_number"),
        (["A00000001", "６２２２０２００００００１２３４", "active"], "account_number"),
        (["A00000001", ACCOUNT, "ACTIVE"], "financial_status"),
        (["A00000001", ACCOUNT], "line"),
        (["A00000001", ACCOUNT, "active", "x"], "line"),
    ],
)
def test_each_bad_field_is_named(row: list[str], field: str) -> None:
    problem = check_line(7, row)
    assert not isinstance(problem, StatementLine)
    assert (problem.line, problem.field) == (7, field)
    assert problem.reason_zh
    assert problem.reason_en
    assert ACCOUNT not in problem.reason_en


def test_after_a_bad_line_nothing_more_is_given_but_every_problem_is_counted() -> None:
    body = HEADER + b"A00000001,6222020000001234,active\n"
    body += b"".join(b"bad,6222020000001234,active\n" for _ in range(MAX_REPORTED + 5))
    body += b"A00000002,6222020000001234,active\n"
    taken = []

    with pytest.raises(StatementRefused) as caught:
        taken.extend(read(io.BytesIO(body)))

    assert [line.card_number for line in taken] == ["A00000001"]
    refused = caught.value
    assert len(refused.problems) == MAX_REPORTED
    assert refused.extra()["error_count"] == MAX_REPORTED + 5
    assert refused.problems[0].line == 3
    assert "第3行" in refused.detail_zh
    assert "line 3" in refused.detail_en


def test_a_wrong_header_or_none_refuses_at_line_one() -> None:
    assert refusal(b"card,account,status\n").problems[0].field == "header"
    assert refusal(b"").problems[0].line == 1


def test_a_line_that_is_not_utf8_is_named() -> None:
    problem = refusal(HEADER + b"A00000001,6222020000001234,active\nA\xff\n").problems[0]
    assert (problem.line, problem.field) == (3, "encoding")


def test_a_statement_with_only_its_header_holds_no_accounts() -> None:
    assert lines(HEADER) == []


def test_chunks_are_of_the_given_size() -> None:
    body = HEADER + b"".join(b"A%08d,6222020000001234,active\n" % i for i in range(7))
    sizes = [len(c) for c in chunks(read(io.BytesIO(body)), 3)]
    assert sizes == [3, 3, 1]
