"""Every query of benefit payments: payers, batches, routing a batch in a fixed number of
set-based statements whatever its size, credit instructions and the banks' answers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    any_,
    bindparam,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    select,
    text,
    true,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.banks.protocol import CREDITS_PER_INSTRUCTION
from sscard.cards.cancellation.models import cancellations
from sscard.cards.cancellation.rules import CancellationReason
from sscard.cards.lifecycle import HrStatus
from sscard.cards.models import cards
from sscard.kernel.db import Row, copy_in, fetch_all, fetch_one
from sscard.payments import rules
from sscard.payments.models import RELEASED, credit_instructions, payers, payment_batches, payments
from sscard.payments.rules import RELEASED_PREFIX, PaymentStatus, Reason
from sscard.registry.models import persons

P, B, I = payments, payment_batches, credit_instructions  # noqa: E741
INSTRUCTED, HELD = PaymentStatus.INSTRUCTED.value, PaymentStatus.HELD.value
ANY_CHUNK = 30_000  # values per IN list where there are no arrays (SQLite)


# ---- payers ----


async def payer(conn: AsyncConnection, code: str) -> Row | None:
    return await fetch_one(conn, select(payers).where(payers.c.code == code))


async def payer_of_actor(conn: AsyncConnection, actor_id: int) -> Row | None:
    return await fetch_one(conn, select(payers).where(payers.c.actor_id == actor_id))


async def all_payers(conn: AsyncConnection) -> list[Row]:
    return await fetch_all(conn, select(payers).order_by(payers.c.code))


async def insert_payer(conn: AsyncConnection, row: Row) -> None:
    await conn.execute(insert(payers).values(**row))


async def update_payer(conn: AsyncConnection, code: str, values: Row) -> None:
    await conn.execute(update(payers).where(payers.c.code == code).values(**values))


# ---- batches ----


async def batch_by_reference(conn: AsyncConnection, payer_code: str, reference: str) -> Row | None:
    stmt = select(B).where(B.c.payer_code == payer_code, B.c.reference == reference)
    return await fetch_one(conn, stmt)


async def batch_by_id(conn: AsyncConnection, batch_id: int) -> Row | None:
    return await fetch_one(conn, select(B).where(B.c.id == batch_id))


async def insert_batch(conn: AsyncConnection, row: Row) -> int | None:
    """The new batch's id, or None when the payer's reference was just taken (the same batch
    sent twice at once: the caller answers as the other did)."""
    try:
        async with conn.begin_nested():
            result = await conn.execute(insert(B).values(**row).returning(B.c.id))
            return int(result.scalar_one())
    except IntegrityError:
        return None


async def list_batches(
    conn: AsyncConnection, payer_code: str | None, after_id: int | None, limit: int
) -> list[Row]:
    stmt = select(B).order_by(B.c.id.desc()).limit(limit)
    if payer_code is not None:
        stmt = stmt.where(B.c.payer_code == payer_code)
    if after_id is not None:
        stmt = stmt.where(B.c.id < after_id)
    return await fetch_all(conn, stmt)


async def set_batch_totals(
    conn: AsyncConnection, batch_id: int, lines: int, fen: int, content_hash: str
) -> None:
    """The stored batch's line count, total (fen) and content hash (SHA-256, hex)."""
    values = {"line_count": lines, "total_fen": fen, "content_hash": content_hash}
    await conn.execute(update(B).where(B.c.id == batch_id).values(**values))


async def references_used(
    conn: AsyncConnection, payer_code: str, references: Sequence[str], other_than: int
) -> set[str]:
    """Which of these payer references the payer used in a batch other than `other_than`,
    in one statement on PostgreSQL (an array) and in IN lists of ANY_CHUNK elsewhere."""
    used: set[str] = set()
    mine = and_(P.c.payer_code == payer_code, P.c.batch_id != other_than)
    if conn.dialect.name == "postgresql":
        wanted = bindparam("refs", list(references), type_=ARRAY(String))
        stmt = select(P.c.payer_reference).where(mine, P.c.payer_reference == any_(wanted))
        return set((await conn.execute(stmt)).scalars())
    for start in range(0, len(references), ANY_CHUNK):
        part = references[start : start + ANY_CHUNK]
        stmt = select(P.c.payer_reference).where(mine, P.c.payer_reference.in_(part))
        used |= set((await conn.execute(stmt)).scalars())
    return used


# The batch's lines, staged: COPYed into a temporary table, then stored routed in one
# INSERT ... SELECT, so that each payment row is written once (four UPDATEs of a million rows,
# each rewriting every row and its indexes, took minutes).
LINES = Table(
    "payment_lines",
    MetaData(),
    Column("line_no", Integer),
    Column("payer_reference", String(40)),
    Column("ssn_index", String(64)),
    Column("ssn_masked", String(32)),
    Column("amount_fen", BigInteger),
    Column("kind", String(16)),
    Column("period", String(7)),
)
STAGE_COLUMNS = (
    "line_no integer, payer_reference varchar(40), ssn_index varchar(64),"
    " ssn_masked varchar(32), amount_fen bigint, kind varchar(16), period varchar(7)"
)


async def store_routed(
    conn: AsyncConnection,
    batch_id: int,
    payer_code: str,
    rows: Iterable[Row],
    now: datetime,
    prefix: str,
    on_staged: Callable[[], object] = lambda: None,
) -> bool:
    """SPEC PAY-1/2, REP-3: the batch's lines (LINES' columns) stored, each routed by the
    routing table to the person's newest card and the instructed ones numbered per bank,
    CREDITS_PER_INSTRUCTION to an instruction `<prefix>-<bank>-<n>`, in one statement after
    the staging COPY; `on_staged()` is called as that statement starts (the caller's own work
    goes on meanwhile). All in a savepoint: False when a payer reference was taken (by this
    batch's own lines or by another's); a database error (a value too long or too large for
    its column) leaves nothing and is raised."""
    postgres = conn.dialect.name == "postgresql"
    try:
        async with conn.begin_nested():
            await _stage(conn, rows, postgres)
            routed = _routed(batch_id, payer_code, now, prefix, lateral=postgres)
            storing = asyncio.ensure_future(
                conn.execute(insert(P).from_select(PAYMENT_COLUMNS, routed))
            )
            on_staged()
            await storing
    except IntegrityError:
        return False
    finally:
        if not postgres:
            await conn.execute(text("DROP TABLE IF EXISTS temp.payment_lines"))
    return True


async def _stage(conn: AsyncConnection, rows: Iterable[Row], postgres: bool) -> None:
    if postgres:
        await conn.execute(text(f"CREATE TEMPORARY TABLE payment_lines ({STAGE_COLUMNS})"
                                " ON COMMIT DROP"))  # fmt: skip
    else:
        await conn.execute(text("DROP TABLE IF EXISTS temp.payment_lines"))
        await conn.execute(text(f"CREATE TEMPORARY TABLE payment_lines ({STAGE_COLUMNS})"))
    await copy_in(conn, LINES, rows)
    if postgres:
        await conn.execute(text("ANALYZE payment_lines"))
        await conn.execute(text("SET LOCAL work_mem = '256MB'"))  # the numbering's sort


PAYMENT_COLUMNS = [
    "batch_id", "line_no", "payer_code", "payer_reference", "ssn_index", "ssn_masked",
    "person_id", "amount_fen", "kind", "period", "status", "reason", "card_id", "bank_code",
    "instruction_id", "created_at", "updated_at",
]  # fmt: skip


def _routed(batch_id: int, payer_code: str, now: datetime, prefix: str, lateral: bool) -> Any:
    """The staged lines joined to their persons and newest cards, routed and numbered. On
    PostgreSQL (`lateral`) each person's newest card is read by its index, newest first, one
    row (a max(id) subquery as the join key ran twice per line)."""
    if lateral:
        card: Any = (
            select(cards.c.id, cards.c.bank_code, cards.c.hr_status, cards.c.financial_status)
            .where(cards.c.person_id == persons.c.id)
            .order_by(cards.c.id.desc())
            .limit(1)
            .lateral("newest")
        )
        on: Any = true()
    else:
        card, newer = cards, cards.alias("newer")
        on = cards.c.id == (
            select(func.max(newer.c.id))
            .where(newer.c.person_id == persons.c.id)
            .correlate(persons)
            .scalar_subquery()
        )
    routes = _routes()
    status = case(
        (persons.c.id.is_(None), PaymentStatus.RETURNED.value),
        (card.c.id.is_(None), HELD),
        else_=func.coalesce(routes.c.status, HELD),
    )
    reason = case(
        (persons.c.id.is_(None), Reason.UNKNOWN_PERSON.value),
        (card.c.id.is_(None), Reason.NO_CARD.value),
        else_=routes.c.reason,
    )
    by_route = and_(
        routes.c.hr == card.c.hr_status,
        routes.c.fin == card.c.financial_status,
        routes.c.dead == _deceased(card),
    )
    joined = (
        LINES.outerjoin(persons, persons.c.ssn_index == LINES.c.ssn_index)
        .outerjoin(card, on)
        .outerjoin(routes, by_route)
    )
    routed = (
        select(
            LINES,
            persons.c.id.label("person_id"),
            card.c.id.label("card_id"),
            card.c.bank_code,
            status.label("status"),
            reason.label("reason"),
        )
        .select_from(joined)
        .subquery()
    )
    r = routed.c
    rank = func.row_number(type_=Integer).over(
        partition_by=(r.status, r.bank_code), order_by=r.line_no
    )
    label = (literal(f"{prefix}-") + r.bank_code + literal("-")
             + cast((rank - 1) // CREDITS_PER_INSTRUCTION, String))  # fmt: skip
    # In the numbering's order (no sort of its own): the ids are drawn bank by bank in line
    # order, each instruction's payments a range of ids (insert_instructions)
    return select(
        literal(batch_id), r.line_no, literal(payer_code), r.payer_reference, r.ssn_index,
        r.ssn_masked, r.person_id, r.amount_fen, r.kind, r.period, r.status, r.reason,
        r.card_id, r.bank_code, case((r.status == INSTRUCTED, label), else_=None),
        literal(now), literal(now),
    ).order_by(r.status, r.bank_code, r.line_no)  # fmt: skip


def newest_cards(person_ids: Any) -> Any:
    """person_id, card_id of each listed person's newest card (REP-3: never a superseded one
    while a newer exists)."""
    return (
        select(cards.c.person_id, func.max(cards.c.id).label("card_id"))
        .where(cards.c.person_id.in_(person_ids))
        .group_by(cards.c.person_id)
    )


def _routes() -> Any:
    """rules.routing_table() as a table (hr, fin, dead 0|1, status, reason) for the batch to
    be joined to by its cards' states: one hash lookup per line, where a CASE over every
    combination compared strings sixty times."""
    rows = [
        select(
            literal(hr.value, String).label("hr"),
            literal(fin.value, String).label("fin"),
            literal(int(dead), Integer).label("dead"),
            literal(r.status.value, String).label("status"),
            literal(r.reason.value if r.reason else None, String).label("reason"),
        )
        for hr, fin, dead, r in rules.routing_table()
    ]
    return union_all(*rows).subquery("routes")


def _deceased(card: Any) -> Any:
    """1 when the card was cancelled on its holder's death (SPEC PAY-2: returned), else 0."""
    died = exists().where(
        cancellations.c.card_id == card.c.id,
        cancellations.c.reason == CancellationReason.DEATH.value,
    )
    return case((and_(card.c.hr_status == HrStatus.CANCELLED.value, died), 1), else_=0)


async def _apply_routing(conn: AsyncConnection, where: Any, now: datetime) -> None:
    """The payments selected by `where` routed by the routing table (the same _routes() a
    batch joins) to the state of the card each now names."""
    routes = _routes()

    def routed(column: Any) -> Any:
        return (
            select(column)
            .where(
                routes.c.hr == cards.c.hr_status,
                routes.c.fin == cards.c.financial_status,
                routes.c.dead == _deceased(cards),
            )
            .scalar_subquery()
        )

    await conn.execute(
        update(P)
        .where(where, P.c.card_id == cards.c.id)
        .values(
            status=func.coalesce(routed(routes.c.status), HELD),
            reason=routed(routes.c.reason),
            bank_code=cards.c.bank_code,
            updated_at=now,
        )
    )


async def number_instructions(conn: AsyncConnection, where: Any, prefix: str) -> None:
    """The instructed payments selected by `where` grouped per bank, CREDITS_PER_INSTRUCTION
    to an instruction: `<prefix>-<bank>-<n>`."""
    rank = func.row_number(type_=Integer).over(partition_by=P.c.bank_code, order_by=P.c.id)
    numbered = (
        select(P.c.id, ((rank - 1) // CREDITS_PER_INSTRUCTION).label("n"))
        .where(where, P.c.status == INSTRUCTED, P.c.instruction_id.is_(None))
        .subquery()
    )
    label = literal(f"{prefix}-") + P.c.bank_code + literal("-") + cast(numbered.c.n, String)
    await conn.execute(update(P).where(P.c.id == numbered.c.id).values(instruction_id=label))


async def insert_instructions(
    conn: AsyncConnection, where: Any, batch_id: int | None, now: datetime
) -> list[Row]:
    """The credit instructions of the numbered payments selected by `where`, one row each,
    with the range of its payments' ids."""
    grouped = (
        select(
            P.c.instruction_id,
            P.c.bank_code,
            func.count().label("payment_count"),
            func.sum(P.c.amount_fen).label("total_fen"),
            func.min(P.c.id).label("first_payment_id"),
            func.max(P.c.id).label("last_payment_id"),
        )
        .where(where, P.c.status == INSTRUCTED, P.c.instruction_id.is_not(None))
        .group_by(P.c.instruction_id, P.c.bank_code)
    )
    rows = await fetch_all(conn, grouped)
    out = [
        {
            "id": r["instruction_id"],
            "bank_code": r["bank_code"],
            "batch_id": batch_id,
            "payment_count": int(r["payment_count"]),
            "total_fen": int(r["total_fen"]),
            "answered_count": 0,
            "first_payment_id": int(r["first_payment_id"]),
            "last_payment_id": int(r["last_payment_id"]),
            "created_at": now,
            "completed_at": None,
        }
        for r in rows
    ]
    if out:
        await conn.execute(insert(I), out)
    return out


# ---- held payments: released or returned on a card's change ----


async def held_of_persons(conn: AsyncConnection, person_ids: Sequence[int]) -> list[Row]:
    stmt = select(P.c.id, P.c.person_id).where(P.c.person_id.in_(person_ids), P.c.status == HELD)
    return await fetch_all(conn, stmt)


async def reroute_held(conn: AsyncConnection, payment_ids: Sequence[int], now: datetime) -> None:
    """The held payments named routed again to their persons' newest cards (by the table)."""
    chosen = P.c.id.in_(payment_ids)
    newest = newest_cards(select(P.c.person_id).where(chosen)).subquery()
    await conn.execute(
        update(P)
        .where(chosen, P.c.person_id == newest.c.person_id)
        .values(card_id=newest.c.card_id)
    )
    await _apply_routing(conn, chosen, now)


async def persons_with_payable_held(conn: AsyncConnection, limit: int) -> list[int]:
    """Persons with a held payment whose newest card's financial function is active now: a
    batch routed while the activation committed (PAY-2's sweep)."""
    newest = newest_cards(select(P.c.person_id).where(P.c.status == HELD)).subquery()
    stmt = (
        select(newest.c.person_id)
        .join(cards, cards.c.id == newest.c.card_id)
        .where(cards.c.financial_status == "active", cards.c.hr_status != "superseded")
        .limit(limit)
    )
    return [int(v) for v in (await conn.execute(stmt)).scalars()]


async def untold_held(conn: AsyncConnection, limit: int) -> list[Row]:
    """Up to `limit` held payments of known persons whose holders are not told yet, oldest
    first; on PostgreSQL locked, skipping those another sweep holds."""
    stmt = (
        select(P.c.id, P.c.person_id, P.c.payer_code, P.c.reason, P.c.amount_fen)
        .where(P.c.status == HELD, P.c.holder_told_at.is_(None), P.c.person_id.is_not(None))
        .order_by(P.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return await fetch_all(conn, stmt)


async def mark_told(conn: AsyncConnection, payment_ids: Sequence[int], now: datetime) -> None:
    await conn.execute(update(P).where(P.c.id.in_(payment_ids)).values(holder_told_at=now))


async def payments_status(conn: AsyncConnection, payment_ids: Sequence[int]) -> list[Row]:
    return await fetch_all(conn, select(P.c.id, P.c.status).where(P.c.id.in_(payment_ids)))


# ---- the banks' answers ----


async def instruction(conn: AsyncConnection, instruction_id: str) -> Row | None:
    return await fetch_one(conn, select(I).where(I.c.id == instruction_id))


async def payments_of_instruction(
    conn: AsyncConnection, instruction_id: str, payment_ids: Sequence[int]
) -> list[Row]:
    stmt = select(P.c.id, P.c.status, P.c.bank_reason, P.c.instruction_id).where(
        P.c.id.in_(payment_ids)
    )
    return await fetch_all(conn, stmt)


async def record_answers(
    conn: AsyncConnection,
    instruction_id: str,
    credited: Sequence[int],
    refused: dict[int, str],
    now: datetime,
) -> int:
    """The first answer of each payment: paid or refused with the bank's reason; returns how
    many payments it ended (an answered one is left as it is)."""
    ended = 0
    waiting = and_(P.c.instruction_id == instruction_id, P.c.status == INSTRUCTED)
    if credited:
        result = await conn.execute(
            update(P)
            .where(waiting, P.c.id.in_(credited))
            .values(status=PaymentStatus.PAID.value, answered_at=now, updated_at=now)
        )
        ended += result.rowcount or 0
    for reason, ids in _by_reason(refused).items():
        result = await conn.execute(
            update(P)
            .where(waiting, P.c.id.in_(ids))
            .values(
                status=PaymentStatus.REFUSED.value,
                bank_reason=reason,
                answered_at=now,
                updated_at=now,
            )
        )
        ended += result.rowcount or 0
    if ended:
        done = case((I.c.answered_count + ended >= I.c.payment_count, now), else_=None)
        await conn.execute(
            update(I)
            .where(I.c.id == instruction_id)
            .values(answered_count=I.c.answered_count + ended, completed_at=done)
        )
    return ended


def _by_reason(refused: dict[int, str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for payment_id, reason in refused.items():
        out.setdefault(reason, []).append(payment_id)
    return out


async def credits_of_instructions(
    conn: AsyncConnection, instruction_ids: Sequence[str]
) -> dict[str, list[Row]]:
    """Each instruction's credits as the bank gets them (protocol.py), in payment order: a
    batch's found within its range of payment ids, a release's by the partial index of
    released instructions (the LIKE written out: the planner matches it to the index's)."""
    released = [i for i in instruction_ids if i.startswith(RELEASED_PREFIX)]
    of_batches = [i for i in instruction_ids if not i.startswith(RELEASED_PREFIX)]
    columns = (P.c.instruction_id, P.c.id.label("payment_id"), cards.c.card_number,
               P.c.amount_fen, P.c.kind, P.c.period)  # fmt: skip
    found: list[Row] = []
    if of_batches:
        in_range = and_(
            P.c.id.between(I.c.first_payment_id, I.c.last_payment_id),
            P.c.instruction_id == I.c.id,
        )
        stmt = (
            select(*columns)
            .select_from(I.join(P, in_range).join(cards, cards.c.id == P.c.card_id))
            .where(I.c.id.in_(of_batches))
        )
        found += await fetch_all(conn, stmt)
    if released:
        stmt = (
            select(*columns)
            .join(cards, cards.c.id == P.c.card_id)
            .where(P.c.instruction_id.in_(released), RELEASED)
        )
        found += await fetch_all(conn, stmt)
    out: dict[str, list[Row]] = {}
    for r in sorted(found, key=lambda r: r["payment_id"]):
        # plain str keys: column names come back as str subclasses, which no JSON encoder
        # of the wire (orjson) takes as keys
        instruction = str(r.pop("instruction_id"))
        out.setdefault(instruction, []).append({str(k): v for k, v in r.items()})
    return out


# ---- reports ----


async def batch_outcomes(conn: AsyncConnection, batch_id: int) -> list[Row]:
    """(status, reason, count, total_fen) of the batch's payments."""
    stmt = (
        select(
            P.c.status,
            P.c.reason,
            P.c.bank_reason,
            func.count().label("count"),
            func.sum(P.c.amount_fen).label("total_fen"),
        )
        .where(P.c.batch_id == batch_id)
        .group_by(P.c.status, P.c.reason, P.c.bank_reason)
    )
    return await fetch_all(conn, stmt)


async def batch_payments(
    conn: AsyncConnection,
    batch_id: int,
    status: str | None,
    after_line: int,
    limit: int | None,
) -> list[Row]:
    stmt = (
        select(P, cards.c.card_number)
        .outerjoin(cards, cards.c.id == P.c.card_id)
        .where(P.c.batch_id == batch_id, P.c.line_no > after_line)
        .order_by(P.c.line_no)
    )
    if status is not None:
        stmt = stmt.where(P.c.status == status)
    if limit is not None:
        stmt = stmt.limit(limit)
    return await fetch_all(conn, stmt)


async def person_payments(
    conn: AsyncConnection, person_id: int, limit: int, before_id: int | None = None
) -> list[Row]:
    """The person's payments, newest first, with their payers' names and the card number."""
    stmt = (
        select(
            P,
            payers.c.name_zh.label("payer_name_zh"),
            payers.c.name_en.label("payer_name_en"),
            cards.c.card_number,
        )
        .join(payers, payers.c.code == P.c.payer_code)
        .outerjoin(cards, cards.c.id == P.c.card_id)
        .where(P.c.person_id == person_id)
        .order_by(P.c.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        stmt = stmt.where(P.c.id < before_id)
    return await fetch_all(conn, stmt)


async def statistics(conn: AsyncConnection, since: datetime, until: datetime) -> list[Row]:
    """(kind, status, count, total_fen) of the payments made in [since, until)."""
    stmt = (
        select(
            P.c.kind,
            P.c.status,
            func.count().label("count"),
            func.sum(P.c.amount_fen).label("total_fen"),
        )
        .where(P.c.created_at >= since, P.c.created_at < until)
        .group_by(P.c.kind, P.c.status)
    )
    return await fetch_all(conn, stmt)


async def unanswered(conn: AsyncConnection, before: datetime, limit: int) -> list[Row]:
    """Instructions sent before `before` whose payments are not all answered (reconciliation)."""
    stmt = (
        select(I)
        .where(I.c.completed_at.is_(None), I.c.created_at < before)
        .order_by(I.c.created_at)
        .limit(limit)
    )
    return await fetch_all(conn, stmt)


async def unanswered_by_bank(conn: AsyncConnection) -> list[Row]:
    stmt = (
        select(
            I.c.bank_code,
            func.count().label("instructions"),
            func.sum(I.c.payment_count - I.c.answered_count).label("payments"),
            func.min(I.c.created_at).label("oldest"),
        )
        .where(I.c.completed_at.is_(None))
        .group_by(I.c.bank_code)
    )
    return await fetch_all(conn, stmt)
