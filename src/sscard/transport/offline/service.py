"""Offline clearing files (SPEC TRN-1, TRN-3): a transit operator's system, signing as one of
its terminals, uploads what its readers debited off line; the file is taken whole (or refused
whole, each bad line named) and applied in one transaction in a fixed number of statements.
Sending the same file again under its reference answers as the first time; the same reader
sequence in another file is a duplicate, never a second debit. See rules.py for each line's
outcome."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

from sscard.kernel.actor import Actor, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import Row
from sscard.kernel.errors import NotFound, invalid
from sscard.kernel.masking import mask_number
from sscard.scenes.rules import SceneUse, use_not_offered
from sscard.scenes.service import Terminal
from sscard.transport import rules as transport_rules
from sscard.transport.fares import shipped_fares
from sscard.transport.offline import repository as repo
from sscard.transport.offline import rules
from sscard.transport.offline.rules import (
    ClearingFileInvalid,
    ClearingReferenceReused,
    LineOutcome,
    LineProblem,
    OfflineFare,
)
from sscard.transport.permissions import DEBIT_FARE, VIEW_TRANSPORT_CLEARING

PARSE_IN_THREAD_FROM = 256 * 1024  # bytes; smaller files are read on the loop


def authorize_upload(actor: Actor) -> None:
    """Refuse (Forbidden) an actor who is no terminal before its file is read."""
    authorize(actor, DEBIT_FARE)


async def upload_clearing_file(
    ctx: Ctx, terminal: Terminal, reference: str, data: bytes
) -> dict[str, Any]:
    """SPEC TRN-3: apply a file of offline fares (rules.COLUMNS) for the terminal's operator.
    Its report (file_report). ClearingFileUnreadable, ClearingFileInvalid (each bad line,
    nothing kept), ClearingReferenceReused."""
    authorize(ctx.actor, DEBIT_FARE)
    offered = use_not_offered(terminal.kind, SceneUse.FARE)
    if offered is not None:
        raise invalid("terminal", offered.reason_zh, offered.reason_en)
    if not rules.REFERENCE.fullmatch(reference):
        raise invalid("reference", "须为1至40位字母、数字、_或-", "1 to 40 of A-Z, 0-9, _ or -")
    digest = hashlib.sha256(data).hexdigest()
    earlier = await repo.file_by_reference(ctx.conn, terminal.operator_id, reference)
    if earlier is not None:
        if earlier["content_hash"] != digest:
            raise ClearingReferenceReused(field="reference", reference=reference)
        return {**await _report(ctx, earlier), "sent_again": True}
    fares, problems = await _read(data)
    readers = await repo.readers_of(ctx.conn, terminal.operator_id)
    problems += _unknown_readers(fares, problems, readers)
    if problems or not fares:
        _refuse(problems)
    file_id = await repo.insert_file(
        ctx.conn,
        {
            "operator_id": terminal.operator_id,
            "reference": reference,
            "content_hash": digest,
            "terminal_id": terminal.id,
            "line_count": len(fares),
            "uploaded_at": ctx.now,
        },
    )
    if file_id is None:  # the same reference taken at the same moment: answer as it did
        return await upload_clearing_file(ctx, terminal, reference, data)
    await repo.insert_lines(ctx.conn, _rows(file_id, fares, readers, terminal.city_code))
    await _apply(ctx, file_id, terminal)
    found = await repo.file_by_id(ctx.conn, file_id)
    assert found is not None
    return {**await _report(ctx, found), "sent_again": False}


async def _read(data: bytes) -> tuple[list[OfflineFare], list[LineProblem]]:
    if len(data) < PARSE_IN_THREAD_FROM:
        return rules.read_file(data)
    return await asyncio.to_thread(rules.read_file, data)


def _unknown_readers(
    fares: Sequence[OfflineFare], problems: Sequence[LineProblem], readers: dict[str, int]
) -> list[LineProblem]:
    """Lines naming a reader that is not the operator's (read lines keep their numbers:
    fares skip the unreadable lines, so numbers are recounted from both)."""
    unreadable = {p.line for p in problems}
    found: list[LineProblem] = []
    line = 0
    for fare in fares:
        line += 1
        while line in unreadable:
            line += 1
        if fare.terminal_code not in readers:
            found.append(LineProblem(line, "terminal_code", "不是本运营单位登记的读卡器",
                                     "not a reader registered to this operator"))  # fmt: skip
    return found


def _refuse(problems: list[LineProblem]) -> None:
    if not problems:
        raise invalid("file", "文件中没有扣款记录", "the file holds no fare")
    problems.sort(key=lambda p: p.line)
    raise ClearingFileInvalid(problems[: rules.MAX_PROBLEMS_SHOWN], len(problems))


def _rows(
    file_id: int, fares: Sequence[OfflineFare], readers: dict[str, int], city_code: str
) -> Iterator[Row]:
    for number, fare in enumerate(fares, start=1):
        yield {
            "file_id": file_id,
            "line_no": number,
            "terminal_id": readers[fare.terminal_code],
            "terminal_seq": fare.terminal_seq,
            "card_number": fare.card_number,
            "counter": fare.counter,
            "mode": fare.mode.value,
            "fare_fen": fare.fare_fen,
            "used_at": fare.used_at,
            "city_code": city_code,
            "outcome": LineOutcome.PENDING.value,
            "gap": 0,
        }


async def _apply(ctx: Ctx, file_id: int, terminal: Terminal) -> None:
    conn = ctx.conn
    await repo.find_purses(conn, file_id)
    await repo.lock_purses(conn, file_id)
    day = ctx.today.isoformat()
    keys = await repo.fare_keys(conn, file_id)
    percents = {_key(k): _percent(k, day, terminal.area_code) for k in keys}
    await repo.charge(conn, file_id, percents)
    await repo.judge(conn, file_id)
    await repo.apply_balances(conn, file_id)
    await repo.write_ledger(conn, file_id, terminal.operator_id)


def _key(k: Row) -> str:
    return f"{k['city_code']}/{k['mode']}/{k['card_city_code']}"


def _percent(k: Row, day: str, area_code: str | None) -> int:
    """TRN-3: the percent of the full fare the card's city pays on the mode in the reader's
    city and area, by the policy in force on the upload's day."""
    mode = transport_rules.Mode(k["mode"])
    fares = shipped_fares()
    card_city = k["card_city_code"]
    return transport_rules.fare_percent(fares, k["city_code"], mode, card_city, day, area_code)


async def _report(ctx: Ctx, found: Row) -> dict[str, Any]:
    by_outcome: dict[str, dict[str, int]] = {}
    gaps = 0
    for r in await repo.outcomes(ctx.conn, found["id"]):
        by_outcome[r["outcome"]] = {"count": int(r["count"]), "charged_fen": int(r["charged_fen"])}
        gaps += int(r["gaps"] or 0)
    applied = by_outcome.get(LineOutcome.APPLIED.value, {"count": 0, "charged_fen": 0})
    notable = await repo.notable_lines(ctx.conn, found["id"], rules.MAX_PROBLEMS_SHOWN)
    return {
        "file_id": found["id"],
        "reference": found["reference"],
        "line_count": found["line_count"],
        "uploaded_at": found["uploaded_at"],
        "applied": applied["count"],
        "charged_fen": applied["charged_fen"],
        "outcomes": {k: v["count"] for k, v in by_outcome.items()},
        "counter_gaps": gaps,
        "lines": [_notable(r) for r in notable],
    }


def _notable(r: Row) -> dict[str, Any]:
    outcome = LineOutcome(r["outcome"])
    zh, en = rules.OUTCOME_TEXTS.get(outcome, ("", ""))
    return {
        "line": r["line_no"],
        "card_number_masked": mask_number(r["card_number"]),
        "counter": r["counter"],
        "outcome": outcome.value,
        "gap": r["gap"],
        "text_zh": zh,
        "text_en": en,
    }


async def file_report(ctx: Ctx, file_id: int) -> dict[str, Any]:
    """A clearing file's report, for the centre."""
    authorize(ctx.actor, VIEW_TRANSPORT_CLEARING)
    found = await repo.file_by_id(ctx.conn, file_id)
    if found is None:
        raise NotFound(field="file_id", what_zh="清算文件", what_en="Clearing file")
    return await _report(ctx, found)


async def recent_files(ctx: Ctx, days: int = 7) -> list[Row]:
    """The files uploaded over the last `days` days, newest first."""
    authorize(ctx.actor, VIEW_TRANSPORT_CLEARING)
    since = ctx.now - timedelta(days=days)
    return await repo.recent_files(ctx.conn, since, 100)
