"""Benefit payments' use cases (SPEC PAY-1..3, ISS-6, REP-3): payers, batches routed to the
newest active card account or held or returned, credit instructions to the banks through the
outbox, the banks' answers, and the reports for payers, holders and the centre.

A batch is taken whole or not at all, in one transaction: its lines checked, stored by COPY,
routed and turned into instructions in a fixed number of statements whatever its size. Sending
it again with the same reference and the same lines answers as the first time (a payer that
lost the answer, or whose upload was cut, sends it again)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from sscard.actors import service as actors
from sscard.banks.protocol import Topic
from sscard.banks.service import verify_bank_signature
from sscard.kernel.actor import Actor, Role, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import Row
from sscard.kernel.errors import Conflict, Forbidden, NotFound, invalid
from sscard.kernel.masking import mask_ssn
from sscard.kernel.text import normalise_number
from sscard.payments import repository as repo
from sscard.payments import rules
from sscard.payments.hooks import PAYMENT_HELD
from sscard.payments.permissions import (
    ANSWER_CREDITS,
    REGISTER_PAYER,
    SUBMIT_PAYMENT_BATCH,
    VIEW_MY_PAYMENTS,
    VIEW_PAYMENT_BATCH,
    VIEW_PAYMENT_STATISTICS,
)
from sscard.payments.rules import (
    AnswerConflicts,
    BatchInvalid,
    BatchReferenceReused,
    Line,
    LineProblem,
    NotInInstruction,
    PaymentKind,
    PaymentStatus,
    Reason,
)
from sscard.platform.history import Change, record
from sscard.platform.notify import service as notifications
from sscard.platform.outbox import service as outbox
from sscard.registry.documents import social_security_number_reason

SEAL_IN_THREAD_FROM = 2_000  # lines; below this the numbers are indexed on the loop


# ---- payers ----


async def register_payer(
    ctx: Ctx, code: str, name_zh: str, name_en: str, kinds: Sequence[str], renew: bool = False
) -> Row:
    """SPEC PAY-1: register (or change) a payer system and the kinds it pays. Its token is
    shown once: when first registered, or renewed (`renew`: the old one stops working).
    InvalidInput naming code, name_zh, name_en or kinds."""
    authorize(ctx.actor, REGISTER_PAYER)
    if not rules.PAYER_CODE.fullmatch(code):
        zh, en = "须为3至16位大写字母、数字、_或-，以字母开头", "3 to 16 of A-Z, 0-9, _ or -"
        raise invalid("code", zh, en)
    for field, name in (("name_zh", name_zh), ("name_en", name_en)):
        if not name.strip() or len(name) > 64:
            raise invalid(field, "须为1至64个字符", "must be 1 to 64 characters")
    unknown = sorted(set(kinds) - {k.value for k in PaymentKind})
    if not kinds or unknown:
        listed = ", ".join(k.value for k in PaymentKind)
        raise invalid("kinds", f"须从以下选择：{listed}", f"choose from: {listed}")
    existing = await repo.payer(ctx.conn, code)
    values: Row = {
        "name_zh": name_zh.strip(),
        "name_en": name_en.strip(),
        "kinds": sorted(set(kinds)),
    }
    token = None
    if existing is None or renew:
        actor_id, token = await actors.system_actor(
            ctx, Role.PAYER, f"发放机构 {name_zh.strip()}"[:64], None
        )
        values["actor_id"] = actor_id
    if existing is None:
        await repo.insert_payer(
            ctx.conn, {"code": code, "active": True, "registered_at": ctx.now, **values}
        )
    else:
        if renew:
            await actors.switch_off(ctx, existing["actor_id"])
        await repo.update_payer(ctx.conn, code, values)
    payer = await repo.payer(ctx.conn, code)
    assert payer is not None
    return {**_payer_view(payer), "token": token}


async def list_payers(ctx: Ctx) -> list[Row]:
    authorize(ctx.actor, VIEW_PAYMENT_BATCH)
    return [_payer_view(p) for p in await repo.all_payers(ctx.conn)]


def _payer_view(p: Row) -> Row:
    return {
        "code": p["code"],
        "name_zh": p["name_zh"],
        "name_en": p["name_en"],
        "kinds": list(p["kinds"]),
        "active": p["active"],
        "registered_at": p["registered_at"],
    }


async def _acting_payer(ctx: Ctx, payer_code: str | None) -> Row:
    """The payer a batch is for: a payer system's own; the centre names one (console upload)."""
    if ctx.actor.role is Role.PAYER:
        own = await repo.payer_of_actor(ctx.conn, ctx.actor.id or 0)
        if own is None or not own["active"] or payer_code not in (None, own["code"]):
            raise NotYourPayer(field="payer_code")
        return own
    found = await repo.payer(ctx.conn, payer_code or "")
    if found is None or not found["active"]:
        raise NotFound(field="payer_code", what_zh="发放机构", what_en="Payer")
    return found


class NotYourPayer(Forbidden):
    code = "not_your_payer"
    message_zh = "发放机构系统只能提交本机构的批次"
    message_en = "A payer system submits its own batches only"


# ---- batches ----


def authorize_submission(actor: Actor) -> None:
    """Refuse (Forbidden) an actor who may not submit a batch, before its file is read."""
    authorize(actor, SUBMIT_PAYMENT_BATCH)


async def submit_batch(
    ctx: Ctx,
    payer_code: str | None,
    reference: str,
    lines: Sequence[Line],
    source: str,
    read_problems: Sequence[LineProblem] = (),
) -> Row:
    """SPEC PAY-1/2: take a payer's batch whole and route it (see the module docstring).
    The batch's report (batch_report). BatchInvalid lists the lines' problems, with those
    found reading its file (`read_problems`), nothing kept; BatchReferenceReused when the
    reference named other lines."""
    authorize(ctx.actor, SUBMIT_PAYMENT_BATCH)
    payer = await _acting_payer(ctx, payer_code)
    if not rules.REFERENCE.fullmatch(reference):
        raise invalid("reference", "须为1至40位字母、数字、_或-", "1 to 40 of A-Z, 0-9, _ or -")
    if not lines:
        raise invalid("lines", "批次中没有款项", "the batch holds no payment")
    ssns = await _off_loop(len(lines), lambda: [normalise_number(line.ssn) for line in lines])
    if await repo.batch_by_reference(ctx.conn, payer["code"], reference) is not None:
        return await _sent_again(ctx, payer["code"], reference, lines, ssns)
    batch_id = await repo.insert_batch(ctx.conn, _batch_row(ctx, payer, reference, source))
    if batch_id is None:  # the same reference committed by another request meanwhile
        return await _sent_again(ctx, payer["code"], reference, lines, ssns)
    prefix = f"{rules.BATCH_PREFIX}{batch_id}"
    content = await _store_checked(ctx, payer, batch_id, lines, ssns, read_problems)
    fen = sum(x.amount_fen for x in lines)
    await repo.set_batch_totals(ctx.conn, batch_id, len(lines), fen, content)
    await _instruct(ctx, repo.P.c.batch_id == batch_id, prefix, batch_id, numbered=True)
    change = Change("payment_batch", batch_id, "submitted", None, payer["code"], reference)
    await record(ctx.conn, ctx.actor, ctx.now, change)
    batch = await repo.batch_by_id(ctx.conn, batch_id)
    assert batch is not None
    return {**await _report(ctx, batch), "duplicate": False}


def _batch_row(ctx: Ctx, payer: Row, reference: str, source: str) -> Row:
    """The batch's row before its lines are stored; its totals and content hash are set once
    they are checked (a line's amount may be too large for any column), in the same
    transaction: no other sees the row before."""
    return {
        "payer_code": payer["code"],
        "reference": reference,
        "content_hash": "",
        "source": source,
        "line_count": 0,
        "total_fen": 0,
        "submitted_at": ctx.now,
        "actor_id": ctx.actor.id,
    }


async def _store_checked(
    ctx: Ctx,
    payer: Row,
    batch_id: int,
    lines: Sequence[Line],
    ssns: Sequence[str],
    read_problems: Sequence[LineProblem],
) -> str:
    """The lines stored routed (repository.store_routed) while they are checked and hashed
    (_content_hash, returned) in a thread: the database routes a million lines on its own
    core while Python checks them on the other. BatchInvalid (the savepoint of the lines
    rolled back, the unit to be rolled back) lists every problem: the lines' own, references
    used before, those read from the file."""
    kinds = frozenset(payer["kinds"])
    judging: list[asyncio.Future[tuple[list[LineProblem], dict[str, int], str]]] = []

    def judged() -> tuple[list[LineProblem], dict[str, int], str]:
        problems, seen = _judge_lines(lines, kinds, ctx.today, read_problems)
        return problems, seen, _content_hash(lines, ssns)

    def judge() -> asyncio.Future[tuple[list[LineProblem], dict[str, int], str]]:
        """The checks, started once: as the store's statement starts, or now if it failed."""
        if not judging:
            judging.append(asyncio.ensure_future(_off_loop(len(lines), judged)))
        return judging[0]

    rows = _staged(lines, ssns, ctx.vault.index)
    prefix = f"{rules.BATCH_PREFIX}{batch_id}"
    try:
        stored = await repo.store_routed(
            ctx.conn, batch_id, payer["code"], rows, ctx.now, prefix, on_staged=judge
        )
    except Exception:  # a value the checks refuse (too long, too large) broke the statement
        problems, _seen, _content = await judge()
        if problems:
            raise _batch_invalid(problems) from None
        raise
    problems, seen, content = await judge()
    if problems or not stored:
        used = await repo.references_used(ctx.conn, payer["code"], list(seen), batch_id)
        problems += [_used_before(seen[r]) for r in sorted(used, key=seen.__getitem__)]
        if problems:
            raise _batch_invalid(problems)
        raise ReferencesTakenMeanwhile(field="lines")
    return content


def _used_before(line: int) -> LineProblem:
    return LineProblem(
        line,
        "payer_reference",
        "该编号的款项已在此前批次中发放，不会重复发放",
        "a payment with this reference was in an earlier batch: never paid twice",
    )


def _batch_invalid(problems: list[LineProblem]) -> BatchInvalid:
    problems.sort(key=lambda p: p.line)
    return BatchInvalid(problems[: rules.MAX_PROBLEMS_SHOWN], len(problems))


async def _off_loop(size: int, work: Any) -> Any:
    """work() on the loop for a small batch, in a thread for a large one (a million lines
    take seconds)."""
    if size < SEAL_IN_THREAD_FROM:
        return work()
    return await asyncio.to_thread(work)


async def _sent_again(
    ctx: Ctx, payer_code: str, reference: str, lines: Sequence[Line], ssns: Sequence[str]
) -> Row:
    """The answer to a batch whose reference is taken: the first answer if it is the same
    batch (its lines' _content_hash), BatchReferenceReused otherwise."""
    earlier = await repo.batch_by_reference(ctx.conn, payer_code, reference)
    assert earlier is not None
    content = await _off_loop(len(lines), partial(_content_hash, lines, ssns))
    if earlier["content_hash"] != content:
        raise BatchReferenceReused(field="reference", reference=reference)
    return {**await _report(ctx, earlier), "duplicate": True}


class ReferencesTakenMeanwhile(Conflict):
    code = "payer_references_taken"
    rule = "PAY-1"
    message_zh = "批次中的发放编号刚被同时提交的另一批次使用，整批未受理；请核对后重新提交"
    message_en = (
        "Payer references of this batch were just taken by another batch sent at the same time;"
        " nothing was taken: check and send it again"
    )


def _content_hash(lines: Sequence[Line], ssns: Sequence[str]) -> str:
    """SHA-256 of the lines as they are paid: a number written in lower case or full-width
    digits is the same number (the same batch sent again)."""
    digest = hashlib.sha256()
    for line, ssn in zip(lines, ssns, strict=True):
        fields = (ssn, str(line.amount_fen), line.kind, line.period, line.payer_reference)
        digest.update("\x1f".join(fields).encode() + b"\x1e")
    return digest.hexdigest()


def _judge_lines(
    lines: Sequence[Line],
    kinds: frozenset[str],
    today: date,
    read_problems: Sequence[LineProblem],
) -> tuple[list[LineProblem], dict[str, int]]:
    """Each line's own problems (rules.line_problems, the registry's number check) and the
    references within the batch: (problems, reference -> first line). A line the file held
    too few cells of (a read problem of field `line`) has that one problem only."""
    problems: list[LineProblem] = list(read_problems)
    unread = {p.line for p in read_problems}
    short = {p.line for p in read_problems if p.field == "line"}  # each such line once
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if number in short:
            continue
        reason = social_security_number_reason(line.ssn, today)
        found = rules.line_problems(number, line, kinds, reason, today)
        problems += [p for p in found if not (p.field == "amount_fen" and number in unread)]
        first = seen.setdefault(line.payer_reference, number)
        if first != number:
            problems.append(
                LineProblem(
                    number,
                    "payer_reference",
                    f"与第{first}行重复：每笔款项一个编号",
                    f"the same as line {first}: one reference per payment",
                )
            )
    return problems, seen


def _staged(
    lines: Sequence[Line], ssns: Sequence[str], index: Callable[[str], str]
) -> Iterator[Row]:
    """The lines as the staging table takes them (repository.LINES), each number's keyed
    digest (`index`: the registry's) taken as the row is drawn: while PostgreSQL stores the
    COPY's previous slice (kernel.db.copy_in), not before the COPY starts (1.8 s a million)."""
    for number, (line, ssn) in enumerate(zip(lines, ssns, strict=True), start=1):
        yield {
            "line_no": number,
            "payer_reference": line.payer_reference,
            "ssn_index": index(ssn),
            "ssn_masked": mask_ssn(ssn),
            "amount_fen": line.amount_fen,
            "kind": line.kind,
            "period": line.period,
        }


async def _instruct(
    ctx: Ctx, where: Any, prefix: str, batch_id: int | None, *, numbered: bool = False
) -> int:
    """The instructed payments selected by `where` into credit instructions, each an outbox
    message to its bank (the credits are read at delivery: enrich_instructions); `numbered`
    when they already carry their instruction (a batch stored by store_routed)."""
    if not numbered:
        await repo.number_instructions(ctx.conn, where, prefix)
    made = await repo.insert_instructions(ctx.conn, where, batch_id, ctx.now)
    await outbox.enqueue_many(
        ctx.conn,
        [
            outbox.new_row(
                topic=Topic.CREDIT_INSTRUCTION.value,
                recipient=i["bank_code"],
                ordering_key=f"credit:{i['id']}",
                payload={
                    "instruction_id": i["id"],
                    "payment_count": i["payment_count"],
                    "total_fen": i["total_fen"],
                },
                at=ctx.now,
            )
            for i in made
        ],
    )
    return len(made)


# ---- reports (PAY-3, GOV-6) ----


async def batch_report(ctx: Ctx, batch_id: int) -> Row:
    """SPEC PAY-1/2: the batch's counts and sums by outcome and reason. NotFound for a batch
    that is not the caller's (a payer sees its own only)."""
    authorize(ctx.actor, VIEW_PAYMENT_BATCH)
    return await _report(ctx, await _visible_batch(ctx, batch_id))


async def _visible_batch(ctx: Ctx, batch_id: int) -> Row:
    batch = await repo.batch_by_id(ctx.conn, batch_id)
    if batch is not None and ctx.actor.role is Role.PAYER:
        own = await repo.payer_of_actor(ctx.conn, ctx.actor.id or 0)
        if own is None or own["code"] != batch["payer_code"]:
            batch = None
    if batch is None:
        raise NotFound(field="batch_id", what_zh="发放批次", what_en="Payment batch")
    return batch


async def _report(ctx: Ctx, batch: Row) -> Row:
    outcomes: dict[str, Row] = {
        s.value: {"count": 0, "total_fen": 0, "reasons": []} for s in PaymentStatus
    }
    for r in await repo.batch_outcomes(ctx.conn, batch["id"]):
        bucket = outcomes[r["status"]]
        count, total = int(r["count"]), int(r["total_fen"])
        bucket["count"] += count
        bucket["total_fen"] += total
        why = r["reason"] or r["bank_reason"]
        if why is not None:
            bucket["reasons"].append({**_reason_texts(why), "count": count, "total_fen": total})
    return {
        "batch_id": batch["id"],
        "payer_code": batch["payer_code"],
        "reference": batch["reference"],
        "source": batch["source"],
        "line_count": batch["line_count"],
        "total_fen": batch["total_fen"],
        "submitted_at": batch["submitted_at"],
        "outcomes": outcomes,
    }


def _reason_texts(code: str) -> Row:
    try:
        reason = Reason(code)
    except ValueError:  # a bank's refusal
        zh, en = rules.bank_refusal_texts(code)
        return {"reason": code, "text_zh": zh, "text_en": en}
    return {"reason": code, "text_zh": reason.text_zh, "text_en": reason.text_en}


async def list_batches(
    ctx: Ctx, payer_code: str | None, after_id: int | None, limit: int
) -> list[Row]:
    """The newest batches first, `limit` of them after `after_id`; a payer sees its own."""
    authorize(ctx.actor, VIEW_PAYMENT_BATCH)
    if ctx.actor.role is Role.PAYER:
        own = await repo.payer_of_actor(ctx.conn, ctx.actor.id or 0)
        payer_code = own["code"] if own else "-"
    rows = await repo.list_batches(ctx.conn, payer_code, after_id, limit)
    return [{k: r[k] for k in BATCH_FIELDS} for r in rows]


BATCH_FIELDS = (
    "id",
    "payer_code",
    "reference",
    "source",
    "line_count",
    "total_fen",
    "submitted_at",
)


async def batch_lines(
    ctx: Ctx, batch_id: int, status: str | None, after_line: int, limit: int | None
) -> list[Row]:
    """The batch's payments in line order, masked: each with its outcome and why (PAY-2)."""
    authorize(ctx.actor, VIEW_PAYMENT_BATCH)
    await _visible_batch(ctx, batch_id)
    rows = await repo.batch_payments(ctx.conn, batch_id, status, after_line, limit)
    return [_line_view(r) for r in rows]


def _line_view(r: Row) -> Row:
    why = r["reason"] or r["bank_reason"]
    texts = _reason_texts(why) if why else {"reason": None, "text_zh": None, "text_en": None}
    return {
        "payment_id": r["id"],
        "line": r["line_no"],
        "payer_reference": r["payer_reference"],
        "ssn_masked": r["ssn_masked"],
        "amount_fen": r["amount_fen"],
        "kind": r["kind"],
        "period": r["period"],
        "status": r["status"],
        "card_number_masked": _mask_card(r.get("card_number")),
        "bank_code": r["bank_code"],
        "instruction_id": r["instruction_id"],
        "answered_at": r["answered_at"],
        **texts,
    }


def _mask_card(number: str | None) -> str | None:
    return None if number is None else number[:3] + "****" + number[-2:]


async def my_payments(ctx: Ctx, limit: int = 100, before_id: int | None = None) -> list[Row]:
    """SPEC PAY-1: the payments made to the holder, newest first, `limit` of them older than
    payment `before_id` (the next page), each with where it stands and the card it went to."""
    authorize(ctx.actor, VIEW_MY_PAYMENTS)
    if ctx.actor.role is not Role.CARDHOLDER or ctx.actor.person_id is None:
        raise OnlyTheHolder(field="person")
    rows = await repo.person_payments(ctx.conn, ctx.actor.person_id, limit, before_id)
    return [
        {
            **{k: v for k, v in _line_view(r).items() if k not in ("ssn_masked", "line")},
            "payer_name_zh": r["payer_name_zh"],
            "payer_name_en": r["payer_name_en"],
            "created_at": r["created_at"],
        }
        for r in rows
    ]


class OnlyTheHolder(Forbidden):
    code = "only_the_holder"
    message_zh = "仅持卡人本人可在网上服务大厅查看自己收到的待遇款项"
    message_en = "Only the holder reads the payments made to them in the online hall"


async def statistics(ctx: Ctx, since: datetime, until: datetime) -> Row:
    """SPEC PAY-3, GOV-6: payments submitted in [since, until) by kind and outcome, count and
    sum in fen, with the instructions still waiting for a bank's answer."""
    authorize(ctx.actor, VIEW_PAYMENT_STATISTICS)
    if until <= since:
        raise invalid("until", "须晚于起始时间", "must be after since")
    by_kind: dict[str, Row] = {}
    for r in await repo.statistics(ctx.conn, since, until):
        kind = by_kind.setdefault(
            r["kind"],
            {"kind": r["kind"], "label_zh": PaymentKind(r["kind"]).label_zh, "outcomes": {}},
        )
        kind["outcomes"][r["status"]] = {"count": int(r["count"]), "total_fen": int(r["total_fen"])}
    waiting = [
        {
            "bank_code": r["bank_code"],
            "instructions": int(r["instructions"]),
            "payments": int(r["payments"] or 0),
            "oldest": r["oldest"],
        }
        for r in await repo.unanswered_by_bank(ctx.conn)
    ]
    return {"since": since, "until": until, "kinds": list(by_kind.values()), "unanswered": waiting}


# ---- the banks' answers (PAY-1) ----


async def authenticate_bank(
    ctx: Ctx, headers: Mapping[str, str], body: bytes, tolerance_seconds: int
) -> None:
    """Refuse unless the body is signed with the answering bank's key, recently."""
    authorize(ctx.actor, ANSWER_CREDITS)
    await verify_bank_signature(ctx, headers, body, tolerance_seconds)


async def record_answers(
    ctx: Ctx, instruction_id: str, credited: Sequence[int], refused: Mapping[int, str]
) -> Row:
    """The bank's answers to payments of one of its instructions, each taken once: the same
    answer again is a duplicate; AnswerConflicts when a payment has another answer already,
    NotInInstruction for a payment not in it (nothing taken in either case)."""
    authorize(ctx.actor, ANSWER_CREDITS)
    found = await repo.instruction(ctx.conn, instruction_id)
    if found is None or found["bank_code"] != ctx.actor.bank_code:
        raise NotFound(field="instruction_id", what_zh="入账指令", what_en="Credit instruction")
    ids = [*credited, *refused]
    rows = {r["id"]: r for r in await repo.payments_of_instruction(ctx.conn, instruction_id, ids)}
    strangers = [i for i in ids if i not in rows or rows[i]["instruction_id"] != instruction_id]
    if strangers:
        raise NotInInstruction(
            field="answers",
            count=len(strangers),
            instruction_id=instruction_id,
            example=strangers[0],
        )
    conflicts = _conflicts(rows, credited, refused)
    if conflicts:
        raise AnswerConflicts(field="answers", count=len(conflicts), example=conflicts[0])
    ended = await repo.record_answers(ctx.conn, instruction_id, credited, dict(refused), ctx.now)
    if ended < len(ids):  # another answer may have ended some meanwhile: it must be this one
        now = {
            r["id"]: r for r in await repo.payments_of_instruction(ctx.conn, instruction_id, ids)
        }
        late = _conflicts(now, credited, refused)
        if late:
            raise AnswerConflicts(field="answers", count=len(late), example=late[0])
    return {"instruction_id": instruction_id, "recorded": ended, "duplicates": len(ids) - ended}


def _conflicts(
    rows: Mapping[int, Row], credited: Sequence[int], refused: Mapping[int, str]
) -> list[int]:
    out = []
    for payment_id in credited:
        if rows[payment_id]["status"] == PaymentStatus.REFUSED.value:
            out.append(payment_id)
    for payment_id, reason in refused.items():
        status = rows[payment_id]["status"]
        if status == PaymentStatus.PAID.value or (
            status == PaymentStatus.REFUSED.value and rows[payment_id]["bank_reason"] != reason
        ):
            out.append(payment_id)
    return out


# ---- held payments follow the cards (PAY-2) ----


async def release_or_return(ctx: Ctx, person_ids: Sequence[int]) -> Counter[str]:
    """The held payments of these persons routed again (a card's financial function became
    active, or its card was cancelled): paid to the newest active account, returned when the
    card was cancelled, or still held. Counts by new status."""
    held = await repo.held_of_persons(ctx.conn, sorted(set(person_ids)))
    if not held:
        return Counter()
    ids = [h["id"] for h in held]
    await repo.reroute_held(ctx.conn, ids, ctx.now)
    chosen = repo.P.c.id.in_(ids)
    await _instruct(ctx, chosen, f"{rules.RELEASED_PREFIX}{min(ids)}-{secrets.token_hex(3)}", None)
    rows = await repo.payments_status(ctx.conn, ids)
    return Counter(r["status"] for r in rows if r["status"] != PaymentStatus.HELD.value)


async def release_payable_held(ctx: Ctx, limit: int = 1000) -> int:
    """PAY-2's sweep: held payments of persons whose newest card is active now (routed by a
    batch while the activation committed) routed again; how many left held."""
    persons = await repo.persons_with_payable_held(ctx.conn, limit)
    moved = await release_or_return(ctx, persons)
    return sum(moved.values())


async def tell_holders_of_held(ctx: Ctx, limit: int = 5000) -> int:
    """SPEC PAY-2, ISS-6: the holders of held payments not told yet get one message per payer
    and reason (how many, how much, and where the hall says why and what to do), queued in
    this transaction; the payments are marked told. How many messages."""
    rows = await repo.untold_held(ctx.conn, limit)
    if not rows:
        return 0
    groups: dict[tuple[int, str, str], list[Row]] = {}
    for r in rows:
        groups.setdefault((r["person_id"], r["payer_code"], r["reason"]), []).append(r)
    messages = [
        {
            "person_id": person_id,
            "template": PAYMENT_HELD.code,
            "params": _held_params(found),
        }
        for (person_id, _payer, _reason), found in groups.items()
    ]
    await notifications.enqueue_many(ctx.conn, messages, at=ctx.now)
    await repo.mark_told(ctx.conn, [r["id"] for r in rows], ctx.now)
    return len(messages)


def _held_params(found: list[Row]) -> Row:
    fen = sum(r["amount_fen"] for r in found)
    return {"count": len(found), "amount": f"{fen // 100}.{fen % 100:02d}"}


def moment(value: str, field: str) -> datetime:
    """An ISO date or moment from a query, as UTC; InvalidInput naming `field` otherwise."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise invalid(field, "须为ISO日期或时间", "must be an ISO date or time") from None
    if not 2000 <= parsed.year <= 2100:
        raise invalid(field, "须在2000年至2100年之间", "must be between 2000 and 2100")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC) - timedelta(hours=8)
