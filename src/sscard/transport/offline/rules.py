"""Offline clearing files, pure (SPEC TRN-1, TRN-3). Amounts in fen.

A reader off line debits the card itself and keeps a record: the card, the card's transaction
counter after the debit, the reader's own sequence, the mode and the full fare, and when. The
operator uploads the records later as a CSV file:

    terminal_code,terminal_seq,card_number,counter,mode,fare_fen,used_at

Each line is applied once: a line whose reader sequence was applied before (online or in an
earlier file) is a duplicate; one whose card counter is already written is `counter_seen`; a
card without a purse, a closed purse, or a purse whose balance would go below zero refuses
the line (it is reported, never applied). Lines are applied per purse in counter order; a
counter that jumps is applied and the gap reported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final

from sscard.kernel.errors import Conflict, DomainError
from sscard.kernel.text import ascii_int
from sscard.transport.rules import MAX_COUNTER, MAX_FARE_FEN, Mode

COLUMNS: Final = (
    "terminal_code", "terminal_seq", "card_number", "counter", "mode", "fare_fen", "used_at",
)  # fmt: skip
MAX_LINES: Final = 2_000_000
MAX_PROBLEMS_SHOWN: Final = 100
CARD_NUMBER: Final = re.compile(r"[A-Z][0-9]{8}")
REFERENCE: Final = re.compile(r"[A-Za-z0-9_-]{1,40}")


class LineOutcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"  # this reader's sequence was applied before
    COUNTER_SEEN = "counter_seen"  # another write holds the card's counter
    NOT_LOADED = "not_loaded"  # no purse on that card (or no such card)
    CLOSED = "closed"  # the purse was refunded and closed
    NOT_ENOUGH = "not_enough"  # the purse's balance would go below zero
    PENDING = "pending"  # not judged yet (inside the upload's transaction only)


OUTCOME_TEXTS: Final = {
    LineOutcome.APPLIED: ("已扣款入账", "applied"),
    LineOutcome.DUPLICATE: (
        "重复上传：该读卡器流水已入账",
        "sent before: this reader's record is in",
    ),
    LineOutcome.COUNTER_SEEN: ("卡片交易计数器已被其他交易使用", "the card's counter is taken"),
    LineOutcome.NOT_LOADED: ("该卡未开通交通钱包", "no transport purse on this card"),
    LineOutcome.CLOSED: ("交通钱包已退值关闭", "the purse is refunded and closed"),
    LineOutcome.NOT_ENOUGH: ("钱包余额不足，未入账，请核查", "the balance would go below zero"),
}


@dataclass(frozen=True)
class OfflineFare:
    """One line of a clearing file as read: `terminal_code` names one of the operator's
    readers; `used_at` is an aware moment."""

    terminal_code: str
    terminal_seq: int
    card_number: str
    counter: int
    mode: Mode
    fare_fen: int
    used_at: datetime


@dataclass(frozen=True)
class LineProblem:
    line: int
    field: str
    reason_zh: str
    reason_en: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "field": self.field, "reason_zh": self.reason_zh,
                "reason_en": self.reason_en}  # fmt: skip


def read_file(data: bytes) -> tuple[list[OfflineFare], list[LineProblem]]:
    """The lines of a clearing file and the problems of those that cannot be read. Raises
    ClearingFileUnreadable for a file that is no UTF-8 CSV with the COLUMNS header."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ClearingFileUnreadable(
            reason_zh="须为UTF-8编码", reason_en="it must be UTF-8"
        ) from None
    try:
        return _read_rows(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as bad:
        raise ClearingFileUnreadable(
            reason_zh="CSV格式有误", reason_en=f"not CSV ({bad})"
        ) from None


def _read_rows(rows: Iterator[list[str]]) -> tuple[list[OfflineFare], list[LineProblem]]:
    header = next(rows, None)
    if header is None or tuple(h.strip() for h in header) != COLUMNS:
        listed = ",".join(COLUMNS)
        zh, en = f"第一行须为：{listed}", f"line 1 must be: {listed}"
        raise ClearingFileUnreadable(reason_zh=zh, reason_en=en)
    fares: list[OfflineFare] = []
    problems: list[LineProblem] = []
    for number, row in enumerate(_lines(rows), start=1):
        if number > MAX_LINES:
            zh, en = f"最多{MAX_LINES}行", f"at most {MAX_LINES} lines"
            raise ClearingFileUnreadable(reason_zh=zh, reason_en=en)
        fare = _fare(number, row, problems)
        if fare is not None:
            fares.append(fare)
    return fares, problems


def _lines(rows: Iterator[list[str]]) -> Iterator[list[str]]:
    for row in rows:
        if any(cell.strip() for cell in row):
            yield row


def _fare(number: int, row: list[str], problems: list[LineProblem]) -> OfflineFare | None:
    def bad(field: str, zh: str, en: str) -> None:
        problems.append(LineProblem(number, field, zh, en))

    if len(row) != len(COLUMNS):
        bad("line", f"须为{len(COLUMNS)}列", f"must have {len(COLUMNS)} columns")
        return None
    code, seq, card, counter, mode, fare, used = (c.strip() for c in row)
    before = len(problems)
    if not 1 <= len(code) <= 32:
        bad("terminal_code", "须为1至32个字符", "1 to 32 characters")
    seq_n = _int(seq, 0, 2**62)
    if seq_n is None:
        bad("terminal_seq", "须为非负整数", "a whole number from 0")
    if not CARD_NUMBER.fullmatch(card):
        bad("card_number", "须为1位大写字母加8位数字", "a capital letter and 8 digits")
    counter_n = _int(counter, 0, MAX_COUNTER)
    if counter_n is None:
        bad("counter", f"须为0至{MAX_COUNTER}", f"0 to {MAX_COUNTER}")
    if mode not in {m.value for m in Mode}:
        bad("mode", "未知的交通方式", "an unknown mode")
    fare_n = _int(fare, 1, MAX_FARE_FEN)
    if fare_n is None:
        bad("fare_fen", f"须为1至{MAX_FARE_FEN}分", f"1 to {MAX_FARE_FEN} fen")
    moment = _moment(used)
    if moment is None:
        bad("used_at", "须为带时区的ISO时间", "an ISO moment with its zone")
    if len(problems) > before:
        return None
    assert seq_n is not None
    assert counter_n is not None
    assert fare_n is not None
    assert moment
    return OfflineFare(code, seq_n, card, counter_n, Mode(mode), fare_n, moment)


def _int(text: str, low: int, high: int) -> int | None:
    value = ascii_int(text, len(str(high)))
    return value if value is not None and low <= value <= high else None


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


class ClearingFileUnreadable(DomainError):
    code = "clearing_file_unreadable"
    status = 422
    rule = "TRN-3"
    message_zh = "清算文件无法读取：{reason_zh}"
    message_en = "The clearing file cannot be read: {reason_en}"


class ClearingFileInvalid(DomainError):
    code = "clearing_file_invalid"
    status = 422
    rule = "TRN-3"
    message_zh = "清算文件有{count}处错误，整个文件未受理（见problems，最多列出前100处）"
    message_en = "The clearing file has {count} problems and was not taken (see problems)"

    def __init__(self, problems: list[LineProblem], count: int) -> None:
        super().__init__(field="file", count=count)
        self.problems = problems

    def extra(self) -> dict[str, object]:
        return {"problems": [p.as_dict() for p in self.problems]}


class ClearingReferenceReused(Conflict):
    code = "clearing_reference_reused"
    rule = "TRN-3"
    message_zh = "清算文件编号“{reference}”已用于内容不同的另一文件"
    message_en = "Clearing file reference '{reference}' was used for a different file"
