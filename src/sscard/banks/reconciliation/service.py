"""Reconciliation with a bank (SPEC ISS-2, LOSS-2, CAN-3, REP-3): compare, report, repair by rule.

A run goes through short transactions, so a province-sized statement never holds the database:
1. start: claim the bank (one run at a time) and record the run as running;
2. stage: read the statement as a stream, check every line, insert it in chunks; a bad
   statement is refused as a whole, its staged lines deleted and the run recorded as failed;
3. compare, in one transaction: file every difference set-based, repair by the rules table
   (the mirror follows the bank, lost messages go out again), write history, delete the staged
   lines, and record the counts.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict
from collections.abc import Generator, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.exc import IntegrityError

from sscard.banks import messages
from sscard.banks.reconciliation import repository as repo
from sscard.banks.reconciliation import statement as stmt
from sscard.banks.reconciliation.permissions import RECONCILE_BANK, VIEW_RECONCILIATION
from sscard.banks.reconciliation.rules import (
    ACCOUNT_OPENING_GRACE,
    DAILY_HOUR,
    DONE_BY_RULE,
    NOTES,
    REPAIR_TEXT,
    RETRY_AFTER,
    RULES,
    Action,
    Fact,
    Kind,
    Repair,
    daily_threshold,
    decide,
)
from sscard.banks.reconciliation.statement import (
    LineProblem,
    Source,
    Statement,
    StatementLine,
    StatementRefused,
)
from sscard.cards.entities import CardRef
from sscard.cards.financial import service as financial
from sscard.cards.lifecycle import FinancialStatus, HrStatus
from sscard.kernel.actor import Actor, authorize
from sscard.kernel.crypto import Vault
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, NotFound, invalid
from sscard.kernel.masking import mask_account
from sscard.kernel.runtime import Runtime
from sscard.platform.outbox import service as outbox
from sscard.platform.outbox.service import endpoint_secret
from sscard.platform.paging import next_cursor
from sscard.registry.reference import repository as reference

log = logging.getLogger("sscard.reconciliation")

CHUNK = 5000
STATEMENT_TIMEOUT_SECONDS = 120.0
AS_OF_SKEW = timedelta(minutes=5)  # a statement may be stamped by a clock a little ahead
ABANDONED_AFTER = timedelta(hours=6)  # a run still "running" this long was killed mid-way
RUNNING, FINISHED, FAILED = repo.RUNNING, repo.FINISHED, repo.FAILED


class NoStatementAddress(DomainError):
    code = "no_statement_url"
    status = 409
    message_zh = "银行“{bank_code}”未配置对账单地址，请上传对账单文件"
    message_en = "Bank '{bank_code}' has no statement address; upload a statement file instead"


class ReconciliationRunning(DomainError):
    code = "reconciliation_running"
    status = 409
    message_zh = "银行“{bank_code}”的对账正在进行（第{run_id}次），请稍后再试"
    message_en = "A reconciliation with bank '{bank_code}' is running (run {run_id}); try later"


@dataclass(frozen=True)
class Due:
    """A daily run: skipped if one started since `since`, or failed since `retry_from`."""

    since: datetime
    retry_from: datetime


@dataclass(frozen=True)
class Claim:
    run_id: int
    as_of: datetime  # a file's moment (now, unless given); replaced by a fetched statement's
    url: str | None
    secret: bytes | None


# ---- running ----


async def reconcile(
    rt: Runtime,
    actor: Actor,
    bank_code: str,
    statement: Statement | None = None,
    *,
    grace: timedelta = ACCOUNT_OPENING_GRACE,
    client: httpx.AsyncClient | None = None,
) -> dict[str, Any]:
    """Reconcile with the bank's statement: the given file, or fetched from its statement_url."""
    authorize(actor, RECONCILE_BANK)
    claim = await _claim(rt, actor, bank_code, statement, None)
    assert claim is not None  # only a daily run is ever skipped
    if statement is not None:
        statement = replace(statement, as_of=claim.as_of)
    return await _run(rt, actor, bank_code, claim, statement, grace, client)


async def reconcile_due(
    rt: Runtime,
    actor: Actor,
    *,
    hour: int = DAILY_HOUR,
    retry_after: timedelta = RETRY_AFTER,
    grace: timedelta = ACCOUNT_OPENING_GRACE,
    client: httpx.AsyncClient | None = None,
) -> list[dict[str, Any]]:
    """The daily job: each bank with a statement address, once per Beijing day from `hour`.

    A failed run is recorded and tried again after `retry_after`; one bank's failure does not
    stop the others. Several workers may call this at once: the bank's claim lets one run.
    """
    authorize(actor, RECONCILE_BANK)
    async with rt.unit(actor, readonly=True) as ctx:
        now = ctx.now  # the unit reads the clock's offset, which every process shares
        bank_codes = await repo.banks_with_statement(ctx.conn)
    since = daily_threshold(now, hour)
    if since is None:
        return []
    due = Due(since, max(since, now - retry_after))
    runs = []
    for bank_code in bank_codes:
        claim = await _claim(rt, actor, bank_code, None, due)
        if claim is None:
            continue
        try:
            runs.append(await _run(rt, actor, bank_code, claim, None, grace, client))
        except Exception as exc:
            code = exc.code if isinstance(exc, DomainError) else type(exc).__name__
            log.warning("daily reconciliation with %s failed: %s", bank_code, code)
            async with rt.unit(actor, readonly=True) as ctx:
                runs.append(await _summary(ctx, claim.run_id))
    return runs


async def _claim(
    rt: Runtime, actor: Actor, bank_code: str, statement: Statement | None, due: Due | None
) -> Claim | None:
    """Record the run as running, unless one is running (refused, or skipped if daily)."""
    async with rt.unit(actor) as ctx:
        as_of = (statement.as_of if statement else None) or ctx.now
        _check_as_of(as_of, ctx.now)
        if not await repo.lock_bank(ctx.conn, bank_code):
            raise NotFound(field="bank_code", what_zh="银行", what_en="Bank")
        url = secret = None
        if statement is None:
            url = await repo.statement_url(ctx.conn, bank_code)
            secret = await endpoint_secret(ctx, bank_code)
            if url is None or secret is None:
                raise NoStatementAddress(field="bank_code", bank_code=bank_code)
        running = await _running(ctx, bank_code)
        if running is not None:
            if due is not None:
                return None
            raise ReconciliationRunning(field="bank_code", bank_code=bank_code, run_id=running)
        if due is not None and (
            await repo.started_since(ctx.conn, bank_code, [FINISHED], due.since)
            or await repo.started_since(ctx.conn, bank_code, [FAILED], due.retry_from)
        ):
            return None
        run_id = await repo.insert_run(
            ctx.conn,
            {
                "bank_code": bank_code,
                "source": (statement.source if statement else Source.API).value,
                "as_of": as_of,
                "status": RUNNING,
                "bank_rows": 0,
                "registry_rows": 0,
                "differences": 0,
                "repaired": 0,
                "actor_id": actor.id,
                "started_at": ctx.now,
            },
        )
    return Claim(run_id, as_of, url, secret)


async def _running(ctx: Ctx, bank_code: str) -> int | None:
    """The bank's running run; one abandoned long ago (a killed process) is failed first."""
    for run in await repo.runs_of(ctx.conn, bank_code, RUNNING):
        if run["started_at"] > ctx.now - ABANDONED_AFTER:
            return int(run["id"])
        await repo.delete_lines(ctx.conn, run["id"])
        await repo.change_run(
            ctx.conn, run["id"], status=FAILED, error="interrupted", finished_at=ctx.now
        )
    return None


async def _run(
    rt: Runtime,
    actor: Actor,
    bank_code: str,
    claim: Claim,
    statement: Statement | None,
    grace: timedelta,
    client: httpx.AsyncClient | None,
) -> dict[str, Any]:
    run_id = claim.run_id
    try:
        if statement is None:
            assert claim.url is not None
            assert claim.secret is not None
            statement = await stmt.fetch(
                claim.url,
                claim.secret,
                rt.clock,
                timeout_seconds=max(
                    rt.settings.delivery_timeout_seconds, STATEMENT_TIMEOUT_SECONDS
                ),
                tolerance_seconds=rt.settings.signature_tolerance_seconds,
                client=client,
            )
        as_of = statement.as_of
        assert as_of is not None  # a file's is set on arrival, a fetched one's by the bank
        _check_as_of(as_of, rt.clock.now())
        bank_rows = await _stage(rt, actor, run_id, statement)
        async with rt.unit(actor) as ctx:
            await _compare(ctx, run_id, bank_code, statement, as_of, bank_rows, grace)
            return await _summary(ctx, run_id)
    except Exception as exc:
        await _fail(rt, actor, run_id, exc)
        raise


def _check_as_of(as_of: datetime | None, now: datetime) -> None:
    if as_of is None or as_of.tzinfo is None or as_of > now + AS_OF_SKEW:
        raise invalid(
            "as_of",
            "须为带时区且不晚于当前的时间",
            "must be a moment with a time zone, not in the future",
        )


async def _fail(rt: Runtime, actor: Actor, run_id: int, exc: Exception) -> None:
    if isinstance(exc, DomainError):
        error = f"{exc.code}: {exc.detail_zh} / {exc.detail_en}"
    else:  # its text may carry personal data; its type does not
        error = f"internal_error: {type(exc).__name__}"
    async with rt.unit(actor) as ctx:
        await repo.delete_lines(ctx.conn, run_id)
        await repo.change_run(ctx.conn, run_id, status=FAILED, error=error, finished_at=ctx.now)


# ---- staging ----


async def _stage(rt: Runtime, actor: Actor, run_id: int, statement: Statement) -> int:
    """Insert the statement's lines in chunks, each in its own short transaction."""
    chunks = _staged_chunks(run_id, statement.lines(), rt.vault)
    total = 0
    try:
        while True:
            # Reading, checking and indexing a chunk is CPU work: off the event loop.
            chunk = await asyncio.to_thread(next, chunks, None)
            if chunk is None:
                return total
            lines, rows = chunk
            try:
                async with rt.unit(actor) as ctx:
                    await repo.stage(ctx.conn, rows)
            except IntegrityError:
                raise await _listed_twice(rt, actor, run_id, lines) from None
            total += len(rows)
    finally:
        chunks.close()


def _staged_chunks(
    run_id: int, lines: Iterator[StatementLine], vault: Vault
) -> Generator[tuple[list[StatementLine], list[dict[str, Any]]], None, None]:
    for chunk in stmt.chunks(lines, CHUNK):
        rows = [
            {
                "run_id": run_id,
                "card_number": line.card_number,
                "account_index": vault.index(line.account_number),
                "account_masked": mask_account(line.account_number),
                "financial_status": line.financial_status.value,
            }
            for line in chunk
        ]
        yield chunk, rows


async def _listed_twice(
    rt: Runtime, actor: Actor, run_id: int, lines: list[StatementLine]
) -> StatementRefused:
    """The refusal for a card number listed twice: in this chunk, or in one staged before."""
    counts = Counter(line.card_number for line in lines)
    async with rt.unit(actor, readonly=True) as ctx:
        earlier = await repo.staged_among(ctx.conn, run_id, list(counts))
    seen: set[str] = set()
    problems = []
    for line in lines:
        if line.card_number in earlier or line.card_number in seen:
            problems.append(
                LineProblem(
                    line.line,
                    "card_number",
                    "该卡号在对账单中重复出现",
                    "the card number is listed more than once",
                )
            )
        seen.add(line.card_number)
    return StatementRefused(problems[: stmt.MAX_REPORTED], len(problems))


# ---- comparing and repairing ----


async def _compare(
    ctx: Ctx,
    run_id: int,
    bank_code: str,
    statement: Statement,
    as_of: datetime,
    bank_rows: int,
    grace: timedelta,
) -> None:
    conn = ctx.conn
    await repo.file_differences(conn, run_id, bank_code, as_of, grace)
    wanted = await repo.numbers_of(conn, run_id, Kind.ACCOUNT_MISSING_IN_REGISTRY, Repair.REPAIRED)
    accounts = await asyncio.to_thread(_accounts, statement, wanted) if wanted else {}
    await _repair_mirrors(ctx, run_id, bank_code, as_of, accounts)
    await _resend(ctx, run_id)
    tally = await repo.tally(conn, run_id)
    await repo.delete_lines(conn, run_id)
    await repo.change_run(
        conn,
        run_id,
        as_of=as_of,
        status=FINISHED,
        bank_rows=bank_rows,
        registry_rows=await repo.registry_rows(conn, bank_code, as_of),
        differences=sum(t["count"] for t in tally),
        repaired=sum(t["count"] for t in tally if Repair(t["repair"]) in DONE_BY_RULE),
        finished_at=ctx.now,
    )


def _accounts(statement: Statement, wanted: set[str]) -> dict[str, str]:
    """The statement's account numbers for these cards (a second reading of the file)."""
    return {
        line.card_number: line.account_number
        for line in statement.lines()
        if line.card_number in wanted
    }


def _repaired_action(kind: Kind) -> Action:
    return next(s.action for s in RULES[kind].steps if s.repair is Repair.REPAIRED)


async def _repair_mirrors(
    ctx: Ctx, run_id: int, bank_code: str, as_of: datetime, accounts: dict[str, str]
) -> None:
    """SPEC LOSS-2: the mirror follows the bank, in chunks, through cards (one history row per
    card, written there).

    Within a chunk the cards are moved in groups of the same (registry, bank) statuses: each
    group is one UPDATE that also checks the mirror still says what was compared.
    """
    after = 0
    while rows := await repo.differences_with(ctx.conn, run_id, Repair.REPAIRED, after, CHUNK):
        after = rows[-1]["id"]
        done: dict[str, int] = {}
        moves: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        for r in rows:
            reason = f"{r['kind']} (reconciliation {run_id})"
            moves[(r["registry_value"], r["bank_value"])][r["card_number"]] = reason
        for (was, to), reasons in moves.items():
            done |= await financial.follow_bank_statement(
                ctx, bank_code, reasons, FinancialStatus(was), FinancialStatus(to), as_of
            )
        missed = [r["id"] for r in rows if r["card_number"] not in done]
        await repo.defer(ctx.conn, missed, "changed_after_statement")
        repaired = [r for r in rows if r["card_number"] in done]
        await financial.record_statement_accounts(
            ctx,
            {
                r["card_number"]: accounts[r["card_number"]]
                for r in repaired
                if _repaired_action(Kind(r["kind"])) is Action.RECORD_ACCOUNT
            },
        )


async def _resend(ctx: Ctx, run_id: int) -> None:
    """Put the message the bank should have acted on in the outbox again, in chunks."""
    after = 0
    while rows := await repo.resend_page(ctx.conn, run_id, after, CHUNK):
        after = rows[-1]["difference_id"]
        messages = [_message(r, ctx.now) for r in rows]
        await outbox.enqueue_many(ctx.conn, [m for m in messages if m is not None])


def _facts_of(r: dict[str, Any]) -> set[Fact]:
    handed_over = r["new_card_number"] is not None and r["new_hr_status"] != HrStatus.PRODUCED
    return {
        fact
        for fact, holds in (
            (Fact.ACCOUNT_REQUESTED, r["financial_status"] == FinancialStatus.ACCOUNT_REQUESTED),
            (Fact.CANCELLED, r["hr_status"] == HrStatus.CANCELLED),
            (Fact.SUPERSEDED, r["hr_status"] == HrStatus.SUPERSEDED),
            (Fact.CLOSURE_NOTICE, r["notice_reference"] is not None),
            (Fact.NEW_CARD_HANDED_OVER, handed_over),
        )
        if holds
    }


def _message(r: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    """The outbox row for a resent difference, the same message the first time carried."""
    action = decide(Kind(r["kind"]), _facts_of(r)).action
    card = _card_ref(r)
    if action is Action.REQUEST_ACCOUNT:  # ISS-1/2
        return messages.account_requested(card, r["application_reference"], now)
    if action is Action.REQUEST_CLOSURE:  # CAN-3
        return messages.closure_requested(
            card, r["notice_reference"], r["reason"], r["notice_issued_at"], now
        )
    if action is Action.TELL_SUPERSEDED:  # REP-3
        return messages.card_superseded(card, _card_ref(r, "new_"), now)
    return None


def _card_ref(r: dict[str, Any], prefix: str = "") -> CardRef:
    """The card (or, with prefix "new_", its successor) of a resend row."""
    return CardRef(
        id=r[f"{prefix}card_id"],
        card_number=r[f"{prefix}card_number"],
        person_id=r[f"{prefix}person_id"],
        bank_code=r[f"{prefix}bank_code"],
        city_code=r[f"{prefix}city_code"],
    )


# ---- reading ----


async def list_runs(ctx: Ctx, bank_code: str, before: int, limit: int) -> dict[str, Any]:
    """The bank's runs, newest first (keyset: pass next_before as before); NotFound for a bank
    that is not registered."""
    authorize(ctx.actor, VIEW_RECONCILIATION)
    if not await reference.existing_bank_codes(ctx.conn, [bank_code]):
        raise NotFound(field="bank_code", what_zh="银行", what_en="Bank")
    rows = await repo.list_runs(ctx.conn, bank_code, before, limit)
    cursor = next_cursor(rows, limit)
    return {"items": [run_view(r) for r in rows], "next_before": cursor}


async def report(
    ctx: Ctx, run_id: int, kind: Kind | None, repair: Repair | None, after: int, limit: int
) -> dict[str, Any]:
    """A run, its differences counted by kind and repair, and one page of them."""
    body = await _summary(ctx, run_id)
    page = await differences(ctx, run_id, kind, repair, after, limit)
    return {**body, "differences_page": page}


async def differences(
    ctx: Ctx, run_id: int, kind: Kind | None, repair: Repair | None, after: int, limit: int
) -> dict[str, Any]:
    """One page of a run's differences, oldest first (keyset: pass next_after as after)."""
    authorize(ctx.actor, VIEW_RECONCILIATION)
    await _get_run(ctx, run_id)
    rows = await repo.differences_page(
        ctx.conn,
        run_id,
        kind.value if kind else None,
        repair.value if repair else None,
        after,
        limit,
    )
    cursor = next_cursor(rows, limit)
    return {"items": [difference_view(r) for r in rows], "next_after": cursor}


async def _summary(ctx: Ctx, run_id: int) -> dict[str, Any]:
    authorize(ctx.actor, VIEW_RECONCILIATION)
    run = await _get_run(ctx, run_id)
    return {**run_view(run), "by_kind": await repo.tally(ctx.conn, run_id)}


async def _get_run(ctx: Ctx, run_id: int) -> dict[str, Any]:
    run = await repo.get_run(ctx.conn, run_id)
    if run is None:
        raise NotFound(field="run_id", what_zh="对账记录", what_en="Reconciliation run")
    return run


def run_view(run: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": run["id"],
        "bank_code": run["bank_code"],
        "source": run["source"],
        "as_of": run["as_of"],
        "status": run["status"],
        "bank_rows": run["bank_rows"],
        "registry_rows": run["registry_rows"],
        "differences": run["differences"],
        "repaired": run["repaired"],
        "error": run["error"],
        "actor_id": run["actor_id"],
        "started_at": run["started_at"],
        "finished_at": run["finished_at"],
    }


def difference_view(d: dict[str, Any]) -> dict[str, Any]:
    rule = RULES[Kind(d["kind"])]
    repair = Repair(d["repair"])
    note_zh, note_en = NOTES.get(d["detail"] or "", (None, None))
    return {
        "id": d["id"],
        "card_number": d["card_number"],
        "kind": rule.kind.value,
        "kind_zh": rule.zh,
        "kind_en": rule.en,
        "rule": rule.rule,
        "registry_value": d["registry_value"],
        "bank_value": d["bank_value"],
        "repair": repair.value,
        "repair_zh": REPAIR_TEXT[repair][0],
        "repair_en": REPAIR_TEXT[repair][1],
        "note": d["detail"],
        "note_zh": note_zh,
        "note_en": note_en,
    }


REPORT_COLUMNS = (
    "card_number",
    "kind",
    "rule",
    "registry_value",
    "bank_value",
    "repair",
    "note",
    "kind_zh",
    "note_zh",
)
