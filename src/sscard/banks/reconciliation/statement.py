"""A bank's statement for reconciliation: read and check it line by line, or fetch it signed.

The format is the protocol's (banks/protocol.py): CSV with the header
`card_number,account_number,financial_status`, one line per account the bank holds. A statement
is read as a stream, line by line, so a province's worth of lines never sits in memory as rows;
any bad line refuses the whole statement, with every problem's line number (up to MAX_REPORTED
of them).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import islice
from typing import IO, Any

import httpx

from sscard.banks.protocol import AS_OF_HEADER, STATEMENT_COLUMNS
from sscard.cards.lifecycle import FinancialStatus
from sscard.kernel.clock import Clock
from sscard.kernel.errors import DomainError
from sscard.platform.outbox.signing import SignatureRefused, signed_headers, verify

MAX_REPORTED = 20
CARD_NUMBER = re.compile(r"^[A-HJ-NP-Z][0-9]{8}$")  # a letter (no I or O) and 8 digits, §17
ACCOUNT_DIGITS = (12, 32)
_STATUSES = ", ".join(s.value for s in FinancialStatus)


class Source(StrEnum):
    API = "api"  # fetched from the bank's statement_url
    FILE = "file"  # uploaded, or a file given to the CLI


@dataclass(frozen=True)
class StatementLine:
    line: int
    card_number: str
    account_number: str  # in clear: never logged, never in an error
    financial_status: FinancialStatus


@dataclass(frozen=True)
class LineProblem:
    line: int
    field: str
    reason_zh: str
    reason_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "field": self.field,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


class StatementRefused(DomainError):
    code = "statement_refused"
    status = 422
    message_zh = (
        "对账单第{line}行无效（{field_name}）：{reason_zh}。共{count}处错误，整份对账单未处理"
    )
    message_en = (
        "Statement line {line} is invalid ({field_name}): {reason_en}. "
        "{count} problem(s); nothing was taken from the statement"
    )

    def __init__(self, problems: list[LineProblem], count: int) -> None:
        first = problems[0]
        self.problems = problems
        super().__init__(
            field=first.field,
            line=first.line,
            field_name=first.field,
            reason_zh=first.reason_zh,
            reason_en=first.reason_en,
            count=count,
        )

    def extra(self) -> dict[str, Any]:
        return {"errors": [p.as_dict() for p in self.problems], "error_count": self.params["count"]}


class StatementUnavailable(DomainError):
    code = "statement_unavailable"
    status = 502
    message_zh = "未能从银行取得对账单：{reason_zh}"
    message_en = "The bank's statement could not be fetched: {reason_en}"


class StatementSignatureRefused(SignatureRefused):
    """The bank's answer is not signed with its secret: nothing in it is believed."""

    code = "statement_signature_refused"
    status = 502
    message_zh = "银行对账单的签名无效：{reason_zh}"
    message_en = "The bank's statement is not validly signed: {reason_en}"


@dataclass(frozen=True)
class Statement:
    """A statement's bytes (seekable: read once to stage, again for account numbers)."""

    stream: IO[bytes]
    as_of: datetime | None
    source: Source

    def lines(self) -> Iterator[StatementLine]:
        return read(self.stream)


def read(stream: IO[bytes]) -> Iterator[StatementLine]:
    """Every line of the statement, checked; StatementRefused at the end if any was bad.

    After the first bad line no more lines are given out, but the rest is still read so the
    refusal can name every problem at once.
    """
    stream.seek(0)
    problems: list[LineProblem] = []
    count = 0
    for item in _items(stream):
        if isinstance(item, LineProblem):
            count += 1
            if len(problems) < MAX_REPORTED:
                problems.append(item)
        elif not problems:
            yield item
    if problems:
        raise StatementRefused(problems, count)


def _items(stream: IO[bytes]) -> Iterator[StatementLine | LineProblem]:
    undecodable: list[int] = []
    reader = csv.reader(_decoded(stream, undecodable), strict=True)

    def not_utf8() -> Iterator[LineProblem]:
        while undecodable:
            yield LineProblem(undecodable.pop(0), "encoding", "须为UTF-8编码", "must be UTF-8 text")

    try:
        header = next(reader, None)
        yield from not_utf8()
        if header is None or tuple(h.strip() for h in header) != STATEMENT_COLUMNS:
            yield _header_problem()
            return
        for row in reader:
            yield from not_utf8()
            if row:  # a blank line (a trailing newline) says nothing
                yield check_line(reader.line_num, row)
    except csv.Error:
        yield LineProblem(
            reader.line_num,
            "line",
            "CSV格式错误（引号或字段过长）",
            "malformed CSV (quoting or length)",
        )


def _decoded(stream: IO[bytes], undecodable: list[int]) -> Iterator[str]:
    """The stream's lines as text; a line that is not UTF-8 is noted and read as blank."""
    for number, raw in enumerate(stream, 1):
        try:
            yield (raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw).decode()
        except UnicodeDecodeError:
            undecodable.append(number)
            yield "\n"


def _header_problem() -> LineProblem:
    columns = ",".join(STATEMENT_COLUMNS)
    return LineProblem(1, "header", f"首行须为 {columns}", f"the first line must be {columns}")


def check_line(number: int, row: list[str]) -> StatementLine | LineProblem:
    """One data line as a StatementLine, or the first problem with it."""
    if len(row) != len(STATEMENT_COLUMNS):
        return LineProblem(
            number,
            "line",
            f"须为{len(STATEMENT_COLUMNS)}列",
            f"must have {len(STATEMENT_COLUMNS)} columns",
        )
    card, account, status = (v.strip() for v in row)
    if not CARD_NUMBER.match(card):
        return LineProblem(
            number, "card_number", "须为1个字母加8位数字", "must be a letter and 8 digits"
        )
    low, high = ACCOUNT_DIGITS
    if not (account.isascii() and account.isdigit() and low <= len(account) <= high):
        return LineProblem(
            number, "account_number", f"须为{low}至{high}位数字", f"must be {low} to {high} digits"
        )
    try:
        financial = FinancialStatus(status)
    except ValueError:
        return LineProblem(
            number, "financial_status", f"须为 {_STATUSES} 之一", f"must be one of {_STATUSES}"
        )
    return StatementLine(number, card, account, financial)


def chunks(lines: Iterator[StatementLine], size: int) -> Iterator[list[StatementLine]]:
    while chunk := list(islice(lines, size)):
        yield chunk


# ---- fetching from the bank ----


async def fetch(
    url: str,
    secret: bytes,
    clock: Clock,
    *,
    timeout_seconds: float,
    tolerance_seconds: int,
    client: httpx.AsyncClient | None = None,
) -> Statement:
    """GET the bank's statement with signed headers; believe it only if its answer is signed."""
    headers = {"Accept": "text/csv", **signed_headers(secret, clock.now(), b"")}
    own = client is None
    http = client or httpx.AsyncClient(timeout=timeout_seconds)
    try:
        response = await http.get(url, headers=headers)
    except httpx.HTTPError as exc:
        raise _unavailable(f"连接失败（{type(exc).__name__}）", type(exc).__name__) from None
    finally:
        if own:
            await http.aclose()
    if response.status_code != 200:
        code = response.status_code
        raise _unavailable(f"银行返回HTTP {code}", f"the bank answered HTTP {code}")
    body = response.content
    try:
        verify(secret, response.headers, body, clock.now(), tolerance_seconds)
    except SignatureRefused as exc:
        raise StatementSignatureRefused(
            field="signature", reason_zh=exc.params["reason_zh"], reason_en=exc.params["reason_en"]
        ) from None
    return Statement(io.BytesIO(body), _as_of(response.headers.get(AS_OF_HEADER)), Source.API)


def _as_of(value: str | None) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _unavailable(
            f"缺少带时区的 {AS_OF_HEADER} 时间", f"no {AS_OF_HEADER} moment with a time zone"
        )
    return moment


def _unavailable(reason_zh: str, reason_en: str) -> StatementUnavailable:
    return StatementUnavailable(field="statement_url", reason_zh=reason_zh, reason_en=reason_en)
