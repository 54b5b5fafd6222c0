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
from datetime import datetime, timedelta
from typing import Any

from sscard.kernel.actor import Actor, Role, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import Row
from sscard.kernel.errors import NotFound, invalid
from sscard.kernel.masking import mask_number
from sscard.scenes import service as scenes
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
from sscard.transport.permissions import (
    DEBIT_FARE,
    VIEW_CLEARING_FILE,
    VIEW_TRANSPORT_CLEARING,
)

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
    earlier = await _sent_before(ctx, terminal.operator_id, reference, digest)
    if earlier is not None:
        return earlier
    try:
        lines = await _stage(ctx, terminal, data)
        file_id = await repo.insert_file(
            ctx.conn,
            {
                "operator_id": terminal.operator_id,
                "reference": reference,
                "content_hash": digest,
                "terminal_id": terminal.id,
                "line_count": lines,
                "uploaded_at": ctx.now,
            },
        )
        if file_id is None:  # the same reference taken at the same moment: answer as it did
            again = await _sent_before(ctx, terminal.operator_id, reference, digest)
            assert again is not None
            return again
        await _apply(ctx, file_id, terminal)
    finally:
        if ctx.conn.dialect.name != "postgresql":  # there they go with the transaction
            await repo.drop_stage(ctx.conn)
    found = await repo.file_by_id(ctx.conn, file_id)
    assert found is not None
    return {**await _report(ctx, found), "sent_again": False}


async def _sent_before(
    ctx: Ctx, operator_id: int, reference: str, digest: str
) -> dict[str, Any] | None:
    """The report of the file sent before under `reference` (ClearingReferenceReused if its
    content differs), None when there is none."""
    earlier = await repo.file_by_reference(ctx.conn, operator_id, reference)
    if earlier is None:
        return None
    if earlier["content_hash"] != digest:
        raise ClearingReferenceReused(field="reference", reference=reference)
    return {**await _report(ctx, earlier), "sent_again": True}


async def _stage(ctx: Ctx, terminal: Terminal, data: bytes) -> int:
    """The file's lines staged (repository.S), or ClearingFileUnreadable / ClearingFileInvalid
    (each bad line named, nothing kept). The number of lines. On PostgreSQL a file of lines as
    readers write them (rules.clean_lines) is COPYed typed and its bounds checked
    (repository.stage_clean); one of plain lines is COPYed as text and checked in SQL by the
    same rules (stage_raw); otherwise, and on SQLite, it is read in Python (rules.read_file).
    The three answer alike."""
    body = _body(data) if ctx.conn.dialect.name == "postgresql" else None
    lines = await _copied(ctx, terminal, body) if body is not None else None
    if lines is not None:
        if lines > rules.MAX_LINES:
            raise rules.too_many_lines()
        await repo.analyze_stage(ctx.conn)
        return lines
    fares, problems = await _read(data, ctx.now)
    readers = await repo.readers_of(ctx.conn, terminal.operator_id)
    problems += _unknown_readers(fares, problems, readers)
    if problems or not fares:
        problems.sort(key=lambda p: p.line)
        _refuse(problems[: rules.MAX_PROBLEMS_SHOWN], len(problems))
    await repo.stage_lines(ctx.conn, _rows(fares))
    await repo.analyze_stage(ctx.conn)
    return len(fares)


async def _copied(ctx: Ctx, terminal: Terminal, body: bytes) -> int | None:
    """PostgreSQL: the lines staged by COPY (stage_clean, else stage_raw), or the refusal of
    the problems stage_raw found; None when neither suits the file (it is read in Python).
    A large file's shapes are checked in a thread while stage_clean COPYs it, and what it
    staged is dropped unless every line has the shape (rules.clean_lines)."""
    shaped, lines = _clean_lines(body), None
    if not shaped.done() or shaped.result():  # a small file's answer is known already
        lines = await repo.stage_clean(ctx.conn, body, terminal.operator_id, ctx.now)
    if await shaped and lines is not None:
        return lines
    if lines is not None:
        await repo.drop_stage(ctx.conn)
    if not repo.raw_copy_suits(body):
        return None
    try:
        lines, count, first = await repo.stage_raw(ctx.conn, body, terminal.operator_id, ctx.now)
    except repo.NotPlain:
        return None
    if count or not lines:
        if lines > rules.MAX_LINES:
            raise rules.too_many_lines()
        _refuse([rules.problem(r["line"], r["key"]) for r in first], count)
    return lines


def _clean_lines(body: bytes) -> asyncio.Future[bool]:
    """rules.clean_lines(body), in a thread from PARSE_IN_THREAD_FROM bytes on."""
    if len(body) < PARSE_IN_THREAD_FROM:
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        done.set_result(rules.clean_lines(body))
        return done
    return asyncio.ensure_future(asyncio.to_thread(rules.clean_lines, body))


def _body(data: bytes) -> bytes | None:
    """The lines after the header, when the file is UTF-8 with the COLUMNS header, unquoted;
    None to read it in Python."""
    text = rules.decoded(data)  # ClearingFileUnreadable unless UTF-8
    head = text.partition("\n")[0]
    if '"' in head or "\r" in head:
        return None
    rules.check_header(head.split(","))
    start = data.index(b"\n") + 1 if b"\n" in data else len(data)
    return data[start:]


async def _read(data: bytes, now: datetime) -> tuple[list[OfflineFare], list[LineProblem]]:
    if len(data) < PARSE_IN_THREAD_FROM:
        return rules.read_file(data, now)
    return await asyncio.to_thread(rules.read_file, data, now)


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
            found.append(rules.problem(line, "reader"))
    return found


def _refuse(problems: list[LineProblem], count: int) -> None:
    """ClearingFileInvalid with the first problems (in line order) of `count`; an empty file
    is invalid too."""
    if not count:
        raise invalid("file", "文件中没有扣款记录", "the file holds no fare")
    raise ClearingFileInvalid(problems, count)


def _rows(fares: Sequence[OfflineFare]) -> Iterator[Row]:
    for number, fare in enumerate(fares, start=1):
        yield {
            "line_no": number,
            "terminal_code": fare.terminal_code,
            "terminal_seq": fare.terminal_seq,
            "card_number": fare.card_number,
            "counter": fare.counter,
            "mode": fare.mode.value,
            "fare_fen": fare.fare_fen,
            "used_at": fare.used_at,
        }


async def _apply(ctx: Ctx, file_id: int, terminal: Terminal) -> None:
    """The staged lines judged, written and applied (repository.write_lines, write_ledger)."""
    conn = ctx.conn
    await repo.lock_purses(conn)
    day = ctx.today.isoformat()
    percents = {
        (mode.value, local): _percent(terminal, mode, local, day)
        for mode in transport_rules.Mode
        for local in (True, False)
    }
    await repo.write_lines(conn, file_id, terminal.operator_id, terminal.city_code, percents)
    await repo.write_ledger(conn, file_id, terminal.operator_id)


def _percent(terminal: Terminal, mode: transport_rules.Mode, local: bool, day: str) -> int:
    """TRN-3: the percent of the full fare a card of the reader's city (`local`) or of another
    city pays on `mode` in the reader's city and area, by the policy in force on the upload's
    day (fare_percent tells cards apart only by being of the reader's city)."""
    card_city = terminal.city_code if local else ""
    return transport_rules.fare_percent(shipped_fares(), terminal.city_code, mode, card_city,
                                        day, terminal.area_code)  # fmt: skip


async def _report(ctx: Ctx, found: Row, after_line: int = 0) -> dict[str, Any]:
    """The file's counts by outcome and its notable lines after `after_line`, a page of
    rules.MAX_PROBLEMS_SHOWN; `next_after_line` names the next page's start (None: no more)."""
    by_outcome: dict[str, dict[str, int]] = {}
    gaps = 0
    for r in await repo.outcomes(ctx.conn, found["id"]):
        by_outcome[r["outcome"]] = {"count": int(r["count"]), "charged_fen": int(r["charged_fen"])}
        gaps += int(r["gaps"] or 0)
    applied = by_outcome.get(LineOutcome.APPLIED.value, {"count": 0, "charged_fen": 0})
    page = rules.MAX_PROBLEMS_SHOWN
    notable = await repo.notable_lines(ctx.conn, found["id"], page + 1, after_line)
    more = len(notable) > page
    notable = notable[:page]
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
        "next_after_line": notable[-1]["line_no"] if more else None,
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


async def file_report(ctx: Ctx, file_id: int, after_line: int = 0) -> dict[str, Any]:
    """SPEC TRN-3: a clearing file's report (_report), its notable lines after `after_line`.
    For the centre (a city's centre admin sees its own city's operators' files only, as in
    the daily clearing: transport.service.clearing) and for the uploading operator's own
    terminals. NotFound for any other file."""
    authorize(ctx.actor, VIEW_CLEARING_FILE)
    found = await repo.file_by_id(ctx.conn, file_id, _scope(ctx))
    if found is None or not await _may_read(ctx, found):  # another city's or operator's
        raise NotFound(field="file_id", what_zh="清算文件", what_en="Clearing file")
    return await _report(ctx, found, after_line)


async def _may_read(ctx: Ctx, found: Row) -> bool:
    """A terminal reads its own operator's files only; the centre, its scope's (_scope)."""
    if ctx.actor.role is not Role.SCENE_TERMINAL:
        return True
    return await scenes.operator_of_terminal(ctx) == found["operator_id"]


async def recent_files(ctx: Ctx, days: int = 7) -> list[Row]:
    """The files uploaded over the last `days` days, newest first."""
    authorize(ctx.actor, VIEW_TRANSPORT_CLEARING)
    since = ctx.now - timedelta(days=days)
    return await repo.recent_files(ctx.conn, since, 100, _scope(ctx))


def _scope(ctx: Ctx) -> str | None:
    """The city whose operators' files the actor sees: a centre admin's own; None for all."""
    return ctx.actor.city_code if ctx.actor.role is Role.CENTRE_ADMIN else None
