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
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Final

from sscard.kernel.errors import Conflict, DomainError
from sscard.transport.rules import MAX_COUNTER, MAX_FARE_FEN, Mode

COLUMNS: Final = (
    "terminal_code", "terminal_seq", "card_number", "counter", "mode", "fare_fen", "used_at",
)  # fmt: skip
MAX_LINES: Final = 2_000_000
MAX_PROBLEMS_SHOWN: Final = 100
REFERENCE: Final = re.compile(r"[A-Za-z0-9_-]{1,40}")

# The rules of a line, stated once: the Python reader below and the SQL check of a file staged
# on PostgreSQL (repository.stage_raw) both use these patterns and bounds.
BLANKS: Final = " \t"  # stripped around each field; a line of nothing else (and commas) is skipped
TERMINAL_CODE_CHARS: Final = (1, 32)
# A field's shape: each digit 0-9 spelt 9 and (with letters) each capital A-Z spelt A, other
# characters as they are (SQL: translate(field, SHAPE_FROM, SHAPE_TO)); fields are checked by
# their shape, as fast in SQL as in Python (a regular expression costs PostgreSQL microseconds
# a line).
DIGITS: Final = "0123456789"
CAPITALS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SHAPE_FROM: Final = DIGITS + CAPITALS
SHAPE_TO: Final = "9" * len(DIGITS) + "A" * len(CAPITALS)
_DIGITS_ONLY: Final = str.maketrans(DIGITS, "9" * len(DIGITS))
_LETTERS_TOO: Final = str.maketrans(SHAPE_FROM, SHAPE_TO)


def shape(text: str, letters: bool = False) -> str:
    return text.translate(_LETTERS_TOO if letters else _DIGITS_ONLY)


CARD_NUMBER_SHAPE: Final = "A99999999"  # a capital letter and 8 digits (with letters)
WHOLE_NUMBERS: Final = {  # field: (lowest, highest), spelt in 0-9 with no more digits than highest
    "terminal_seq": (0, 2**62),
    "counter": (0, MAX_COUNTER),
    "fare_fen": (1, MAX_FARE_FEN),
}
MODES: Final = tuple(m.value for m in Mode)
# An ISO moment with its zone, by its shape (digits only): yyyy-mm-dd, T or a space,
# hh:mm[:ss[.f to .ffffff]], then Z or +hh:mm / -hh:mm. Its parts stand at fixed places:
# year 1-4, month 6-7, day 9-10, hour 12-13, minute 15-16, second 18-19 (after a colon at 17),
# the fraction from 21 (after a dot at 20) to the zone, the zone last (1 or 6 characters).
USED_AT_SHAPES: Final = frozenset(
    f"9999-99-99{sep}99:99{seconds}{zone}"
    for sep in ("T", " ")
    for seconds in ("", ":99", *(":99." + "9" * n for n in range(1, 7)))
    for zone in ("Z", "+99:99", "-99:99")
)


def _clean_line() -> re.Pattern[bytes]:
    """A line as readers write it, narrower than the rules above (no blanks, a code of
    letters, digits and _.:/-, a year from 1900, a zone hour to 23): each field's text is
    one the rules take as it is, so the typed value PostgreSQL's COPY reads from it is the
    rules' value, or COPY refuses it (2026-02-30) and the file is read the exact way.
    Numbers' bounds beyond their number of digits and used_at's window stay to be checked."""
    low, high = TERMINAL_CODE_CHARS

    def digits(field: str) -> str:
        return f"[0-9]{{1,{len(str(WHOLE_NUMBERS[field][1]))}}}"

    two = {"month": "(?:0[1-9]|1[0-2])", "day": "(?:0[1-9]|[12][0-9]|3[01])",
           "hour": "(?:[01][0-9]|2[0-3])", "minute": "[0-5][0-9]"}  # fmt: skip
    moment = (
        f"(?:19|2[0-9])[0-9]{{2}}-{two['month']}-{two['day']}[T ]{two['hour']}:{two['minute']}"
        f"(?::{two['minute']}(?:\\.[0-9]{{1,6}})?)?(?:Z|[+-]{two['hour']}:{two['minute']})"
    )
    fields = [
        f"[A-Za-z0-9_.:/-]{{{low},{high}}}", digits("terminal_seq"), "[A-Z][0-9]{8}",
        digits("counter"), "(?:" + "|".join(MODES) + ")", digits("fare_fen"), moment,
    ]  # fmt: skip
    return re.compile(",".join(fields).encode("ascii"))


CLEAN_LINE: Final = _clean_line()


def clean_lines(body: bytes) -> bool:
    """Whether every line of `body` (the file after its header; the last may end with a
    newline) has CLEAN_LINE's shape, at least one line."""
    lines = body.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return bool(lines) and all(map(CLEAN_LINE.fullmatch, lines))


# A reader's clock may run a little ahead of the centre's: a moment up to this far ahead is taken.
MAX_CLOCK_AHEAD: Final = timedelta(minutes=10)
# Offline readers must upload what they debited within 30 days (the operators' settlement
# terms); an older line would change days already cleared between cities (transport.service
# clearing), so it is refused and settled by hand.
UPLOAD_WINDOW: Final = timedelta(days=30)

# Each problem a line can have, in the order they are reported within a line: key ->
# (field, reason_zh, reason_en).
PROBLEM_TEXTS: Final = {
    "line": ("line", f"须为{len(COLUMNS)}列", f"must have {len(COLUMNS)} columns"),
    "terminal_code": ("terminal_code", "须为1至32个字符", "1 to 32 characters"),
    "terminal_seq": ("terminal_seq", "须为非负整数", "a whole number from 0"),
    "card_number": ("card_number", "须为1位大写字母加8位数字", "a capital letter and 8 digits"),
    "counter": ("counter", f"须为0至{MAX_COUNTER}", f"0 to {MAX_COUNTER}"),
    "mode": ("mode", f"须为以下交通方式之一：{'、'.join(MODES)}", f"one of {', '.join(MODES)}"),
    "fare_fen": ("fare_fen", f"须为1至{MAX_FARE_FEN}分", f"1 to {MAX_FARE_FEN} fen"),
    "used_at": (
        "used_at",
        "须为实际存在的带时区ISO时间，如2026-11-23T08:00:00+08:00",
        "a moment that exists, in ISO form with its zone, such as 2026-11-23T08:00:00+08:00",
    ),
    "used_at_range": (
        "used_at",
        f"须在上传前{UPLOAD_WINDOW.days}天内，且不晚于当前时间",
        f"within the {UPLOAD_WINDOW.days} days before the upload, not in the future",
    ),
    "reader": (
        "terminal_code",
        "不是本运营单位登记的读卡器",
        "not a reader registered to this operator",
    ),
}


def used_at_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The earliest and latest moment a line uploaded at `now` may name (both taken)."""
    return now - UPLOAD_WINDOW, now + MAX_CLOCK_AHEAD


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


def read_file(data: bytes, now: datetime) -> tuple[list[OfflineFare], list[LineProblem]]:
    """The lines of a clearing file uploaded at `now` and the problems of those that cannot be
    read. Raises ClearingFileUnreadable for a file that is no UTF-8 CSV with the COLUMNS
    header."""
    text = decoded(data)
    try:
        return _read_rows(csv.reader(io.StringIO(text, newline="")), now)
    except csv.Error as bad:
        raise ClearingFileUnreadable(
            reason_zh="CSV格式有误", reason_en=f"not CSV ({bad})"
        ) from None


def decoded(data: bytes) -> str:
    """The file's text (a UTF-8 byte order mark dropped), or ClearingFileUnreadable."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ClearingFileUnreadable(
            reason_zh="须为UTF-8编码", reason_en="it must be UTF-8"
        ) from None


def check_header(header: list[str] | None) -> None:
    """ClearingFileUnreadable unless the first line names COLUMNS."""
    if header is None or tuple(h.strip(BLANKS) for h in header) != COLUMNS:
        listed = ",".join(COLUMNS)
        zh, en = f"第一行须为：{listed}", f"line 1 must be: {listed}"
        raise ClearingFileUnreadable(reason_zh=zh, reason_en=en)


def too_many_lines() -> ClearingFileUnreadable:
    zh, en = f"最多{MAX_LINES}行", f"at most {MAX_LINES} lines"
    return ClearingFileUnreadable(reason_zh=zh, reason_en=en)


def problem(line: int, key: str) -> LineProblem:
    """The problem `key` (PROBLEM_TEXTS) of line `line`."""
    field, zh, en = PROBLEM_TEXTS[key]
    return LineProblem(line, field, zh, en)


def _read_rows(
    rows: Iterator[list[str]], now: datetime
) -> tuple[list[OfflineFare], list[LineProblem]]:
    check_header(next(rows, None))
    earliest, latest = used_at_bounds(now)
    fares: list[OfflineFare] = []
    problems: list[LineProblem] = []
    for number, row in enumerate(_lines(rows), start=1):
        if number > MAX_LINES:
            raise too_many_lines()
        fare = _fare(number, row, problems, earliest, latest)
        if fare is not None:
            fares.append(fare)
    return fares, problems


def _lines(rows: Iterator[list[str]]) -> Iterator[list[str]]:
    for row in rows:
        if any(cell.strip(BLANKS) for cell in row):
            yield row


def _fare(
    number: int, row: list[str], problems: list[LineProblem], earliest: datetime,
    latest: datetime,
) -> OfflineFare | None:  # fmt: skip
    if len(row) != len(COLUMNS):
        problems.append(problem(number, "line"))
        return None
    code, seq, card, counter, mode, fare, used = (c.strip(BLANKS) for c in row)
    found: list[str] = []
    low, high = TERMINAL_CODE_CHARS
    if not low <= len(code) <= high:
        found.append("terminal_code")
    seq_n = whole_number("terminal_seq", seq)
    if seq_n is None:
        found.append("terminal_seq")
    if shape(card, letters=True) != CARD_NUMBER_SHAPE:
        found.append("card_number")
    counter_n = whole_number("counter", counter)
    if counter_n is None:
        found.append("counter")
    if mode not in MODES:
        found.append("mode")
    fare_n = whole_number("fare_fen", fare)
    if fare_n is None:
        found.append("fare_fen")
    moment = parse_moment(used)
    if moment is None:
        found.append("used_at")
    elif not earliest <= moment <= latest:
        found.append("used_at_range")
    if found:
        problems.extend(problem(number, key) for key in found)
        return None
    assert seq_n is not None
    assert counter_n is not None
    assert fare_n is not None
    assert moment
    return OfflineFare(code, seq_n, card, counter_n, Mode(mode), fare_n, moment)


def whole_number(field: str, text: str) -> int | None:
    """The value of WHOLE_NUMBERS' `field` spelt in `text`, None when it is not one."""
    low, high = WHOLE_NUMBERS[field]
    if not (0 < len(text) <= len(str(high)) and text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None


FAR_PAST: Final = datetime.min.replace(tzinfo=UTC)
FAR_FUTURE: Final = datetime.max.replace(tzinfo=UTC)


def parse_moment(text: str) -> datetime | None:
    """The moment (UTC) `text` spells (USED_AT_SHAPES), None when it is none. A moment beyond
    what Python holds (0001-01-01T00:00+08:00, 9999-12-31T23:59-08:00) is FAR_PAST or
    FAR_FUTURE: it spells a moment, far outside any upload's bounds."""
    if shape(text) not in USED_AT_SHAPES:
        return None
    zone = text[-1] if text[-1] == "Z" else text[-6:]
    zone_h, zone_m = (0, 0) if zone == "Z" else (int(zone[1:3]), int(zone[4:6]))
    if zone_h > 23 or zone_m > 59:
        return None
    offset = (-1 if zone[0] == "-" else 1) * timedelta(hours=zone_h, minutes=zone_m)
    second = int(text[17:19]) if text[16:17] == ":" else 0
    fraction = text[20 : len(text) - len(zone)] if text[19:20] == "." else ""
    try:
        naive = datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]),
                         int(text[14:16]), second, int(fraction.ljust(6, "0")))  # fmt: skip
    except ValueError:  # no such day or time
        return None
    try:
        return naive.replace(tzinfo=timezone(offset)).astimezone(UTC)
    except OverflowError:
        return FAR_PAST if naive.year < 5000 else FAR_FUTURE


class ClearingFileUnreadable(DomainError):
    code = "clearing_file_unreadable"
    status = 422
    rule = "TRN-3"
    message_zh = "清算文件无法读取：{reason_zh}"
    message_en = "The clearing file cannot be read: {reason_en}"

    def __init__(self, *, reason_zh: str, reason_en: str) -> None:
        super().__init__(field="file", reason_zh=reason_zh, reason_en=reason_en)


class ClearingFileInvalid(DomainError):
    code = "clearing_file_invalid"
    status = 422
    rule = "TRN-3"
    message_zh = "清算文件有{count}处错误，整个文件未受理（逐行错误见 problems 字段，列出前100处）"
    message_en = (
        "The clearing file was not taken: problems found: {count} (the first 100 are listed "
        "in problems, each with its line and field)"
    )

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
