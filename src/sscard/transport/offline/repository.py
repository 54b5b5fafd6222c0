"""Every query of offline clearing files: a file's lines judged and applied to the purses in a
fixed number of set-based statements, whatever the number of lines."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.cards.models import cards
from sscard.kernel.db import Row, copy_in, fetch_all, fetch_one
from sscard.scenes.models import scene_terminals
from sscard.transport.models import transport_ledger, transport_purses
from sscard.transport.offline.models import clearing_files, clearing_lines
from sscard.transport.offline.rules import LineOutcome
from sscard.transport.rules import PurseStatus

F, L, P, G = clearing_files, clearing_lines, transport_purses, transport_ledger
PENDING = LineOutcome.PENDING.value


async def file_by_reference(conn: AsyncConnection, operator_id: int, reference: str) -> Row | None:
    stmt = select(F).where(F.c.operator_id == operator_id, F.c.reference == reference)
    return await fetch_one(conn, stmt)


async def file_by_id(conn: AsyncConnection, file_id: int) -> Row | None:
    return await fetch_one(conn, select(F).where(F.c.id == file_id))


async def insert_file(conn: AsyncConnection, row: Row) -> int | None:
    """The new file's id, or None when the operator's reference was taken at the same moment."""
    try:
        async with conn.begin_nested():
            result = await conn.execute(insert(F).values(**row).returning(F.c.id))
            return int(result.scalar_one())
    except IntegrityError:
        return None


async def readers_of(conn: AsyncConnection, operator_id: int) -> dict[str, int]:
    """The operator's terminals: code -> id."""
    stmt = select(scene_terminals.c.terminal_code, scene_terminals.c.id).where(
        scene_terminals.c.operator_id == operator_id
    )
    return {r.terminal_code: int(r.id) for r in await conn.execute(stmt)}


async def insert_lines(conn: AsyncConnection, rows: Iterable[Row]) -> None:
    await copy_in(conn, L, rows)


async def find_purses(conn: AsyncConnection, file_id: int) -> None:
    """Each line's purse and the card's city; a line with none is not_loaded."""
    mine = L.c.file_id == file_id
    await conn.execute(
        update(L)
        .where(mine, L.c.card_number == cards.c.card_number, P.c.card_id == cards.c.id)
        .values(purse_id=P.c.id, card_city_code=cards.c.city_code)
    )
    await conn.execute(
        update(L).where(mine, L.c.purse_id.is_(None)).values(outcome=LineOutcome.NOT_LOADED.value)
    )


async def lock_purses(conn: AsyncConnection, file_id: int) -> None:
    """The file's purses locked to the end of the transaction, in id order (PostgreSQL; SQLite
    serialises writes already): no top-up, refund or online fare changes them meanwhile."""
    if conn.dialect.name != "postgresql":
        return
    touched = select(L.c.purse_id).where(L.c.file_id == file_id, L.c.purse_id.is_not(None))
    stmt = select(P.c.id).where(P.c.id.in_(touched)).order_by(P.c.id).with_for_update()
    await conn.execute(stmt)


async def fare_keys(conn: AsyncConnection, file_id: int) -> list[Row]:
    """The distinct (reader city, mode, card city) of the file's lines with a purse."""
    stmt = (
        select(L.c.city_code, L.c.mode, L.c.card_city_code)
        .where(L.c.file_id == file_id, L.c.purse_id.is_not(None))
        .distinct()
    )
    return await fetch_all(conn, stmt)


async def charge(conn: AsyncConnection, file_id: int, percents: dict[str, int]) -> None:
    """charged = percent of the full fare, rounded half up (rules.fare_after_discount), the
    percent by `city/mode/card city` key."""
    key = L.c.city_code + literal("/") + L.c.mode + literal("/") + L.c.card_city_code
    percent = case(percents, value=key, else_=100) if percents else literal(100)
    charged = (L.c.fare_fen * cast(percent, BigInteger) + 50) // 100
    await conn.execute(
        update(L)
        .where(L.c.file_id == file_id, L.c.purse_id.is_not(None))
        .values(charged_fen=cast(charged, BigInteger))
    )


def _reference() -> Any:
    return (
        literal("fare:")
        + cast(L.c.terminal_id, String)
        + literal(":")
        + cast(L.c.terminal_seq, String)
    )


async def judge(conn: AsyncConnection, file_id: int) -> None:
    """Outcomes that need no balance: closed purse, duplicate reader sequence (here before or
    earlier in the file), counter already written (likewise)."""
    pending = and_(L.c.file_id == file_id, L.c.outcome == PENDING)
    closed = select(P.c.id).where(P.c.status == PurseStatus.CLOSED.value)
    await conn.execute(
        update(L).where(pending, L.c.purse_id.in_(closed)).values(outcome=LineOutcome.CLOSED.value)
    )
    sent_before = exists().where(G.c.kind == "fare", G.c.reference == _reference())
    await conn.execute(
        update(L).where(pending, sent_before).values(outcome=LineOutcome.DUPLICATE.value)
    )
    await _later_copies(conn, file_id, (L.c.terminal_id, L.c.terminal_seq), LineOutcome.DUPLICATE)
    written = exists().where(G.c.purse_id == L.c.purse_id, G.c.counter == L.c.counter)
    await conn.execute(
        update(L).where(pending, written).values(outcome=LineOutcome.COUNTER_SEEN.value)
    )
    await _later_copies(conn, file_id, (L.c.purse_id, L.c.counter), LineOutcome.COUNTER_SEEN)


async def _later_copies(
    conn: AsyncConnection, file_id: int, key: tuple[Any, ...], outcome: LineOutcome
) -> None:
    """Pending lines of the file repeating `key` of an earlier pending line: `outcome`."""
    rank = func.row_number(type_=Integer).over(partition_by=key, order_by=L.c.line_no)
    ranked = (
        select(L.c.line_no, rank.label("n"))
        .where(L.c.file_id == file_id, L.c.outcome == PENDING)
        .subquery()
    )
    await conn.execute(
        update(L)
        .where(L.c.file_id == file_id, L.c.line_no == ranked.c.line_no, ranked.c.n > 1)
        .values(outcome=outcome.value)
    )


async def apply_balances(conn: AsyncConnection, file_id: int) -> None:
    """Per purse in counter order: each pending line applied while the running sum stays
    within the balance (balance_after set), refused not_enough after; the gap before each
    applied line counted from the previous counter (or the purse's last)."""
    running = func.sum(L.c.charged_fen).over(
        partition_by=L.c.purse_id, order_by=(L.c.counter, L.c.line_no)
    )
    previous = func.lag(L.c.counter).over(partition_by=L.c.purse_id, order_by=L.c.counter)
    sums = (
        select(L.c.line_no, running.label("spent"), previous.label("previous"))
        .where(L.c.file_id == file_id, L.c.outcome == PENDING)
        .subquery()
    )
    fits = sums.c.spent <= P.c.balance_fen
    before = func.coalesce(sums.c.previous, P.c.last_counter)
    gap = case((and_(before.is_not(None), L.c.counter > before + 1), L.c.counter - before - 1),
               else_=0)  # fmt: skip
    await conn.execute(
        update(L)
        .where(L.c.file_id == file_id, L.c.line_no == sums.c.line_no, P.c.id == L.c.purse_id)
        .values(
            outcome=case((fits, LineOutcome.APPLIED.value), else_=LineOutcome.NOT_ENOUGH.value),
            balance_after_fen=case((fits, P.c.balance_fen - sums.c.spent), else_=None),
            gap=case((fits, gap), else_=0),
        )
    )


async def write_ledger(conn: AsyncConnection, file_id: int, operator_id: int) -> None:
    """The applied lines into the purses' ledger and their balances and last counters."""
    applied = and_(L.c.file_id == file_id, L.c.outcome == LineOutcome.APPLIED.value)
    rows = select(
        L.c.purse_id,
        L.c.used_at,
        literal("fare"),
        -L.c.charged_fen,
        L.c.balance_after_fen,
        L.c.counter,
        _reference(),
        literal(operator_id),
        L.c.city_code,
        L.c.card_city_code,
        L.c.mode,
    ).where(applied)
    columns = ["purse_id", "at", "kind", "amount_fen", "balance_after_fen", "counter",
               "reference", "operator_id", "city_code", "card_city_code", "mode"]  # fmt: skip
    await conn.execute(insert(G).from_select(columns, rows))
    totals = (
        select(
            L.c.purse_id,
            func.sum(L.c.charged_fen).label("spent"),
            func.max(L.c.counter).label("top"),
        )
        .where(applied)
        .group_by(L.c.purse_id)
        .subquery()
    )
    last = case(
        (and_(P.c.last_counter.is_not(None), P.c.last_counter > totals.c.top), P.c.last_counter),
        else_=totals.c.top,
    )
    await conn.execute(
        update(P)
        .where(P.c.id == totals.c.purse_id)
        .values(balance_fen=P.c.balance_fen - totals.c.spent, last_counter=last)
    )


async def outcomes(conn: AsyncConnection, file_id: int) -> list[Row]:
    stmt = (
        select(
            L.c.outcome,
            func.count().label("count"),
            func.coalesce(func.sum(L.c.charged_fen), 0).label("charged_fen"),
            func.sum(L.c.gap).label("gaps"),
        )
        .where(L.c.file_id == file_id)
        .group_by(L.c.outcome)
    )
    return await fetch_all(conn, stmt)


async def notable_lines(conn: AsyncConnection, file_id: int, limit: int) -> list[Row]:
    """The first lines not applied or applied after a gap, in line order."""
    stmt = (
        select(L.c.line_no, L.c.card_number, L.c.counter, L.c.outcome, L.c.gap)
        .where(L.c.file_id == file_id)
        .where((L.c.outcome != LineOutcome.APPLIED.value) | (L.c.gap > 0))
        .order_by(L.c.line_no)
        .limit(limit)
    )
    return await fetch_all(conn, stmt)


async def recent_files(conn: AsyncConnection, since: datetime, limit: int) -> list[Row]:
    stmt = select(F).where(F.c.uploaded_at >= since).order_by(F.c.id.desc()).limit(limit)
    return await fetch_all(conn, stmt)
