"""Every query of offline clearing files: a file's lines staged in a temporary table (on
PostgreSQL COPYed as raw text and checked set-based by rules.py's patterns and bounds), then
judged and written once by one INSERT ... SELECT, the ledger by another, each purse updated
once: a fixed number of set-based statements, whatever the number of lines."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

import asyncpg
from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    cast,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.cards.models import cards
from sscard.kernel.db import Id, Row, UTCDateTime, copy_in, fetch_all, fetch_one
from sscard.scenes.models import scene_operators, scene_terminals
from sscard.transport.models import transport_ledger, transport_purses
from sscard.transport.offline import rules
from sscard.transport.offline.models import clearing_files, clearing_lines
from sscard.transport.offline.rules import LineOutcome
from sscard.transport.rules import PurseStatus

F, L, P, G = clearing_files, clearing_lines, transport_purses, transport_ledger


async def file_by_reference(conn: AsyncConnection, operator_id: int, reference: str) -> Row | None:
    stmt = select(F).where(F.c.operator_id == operator_id, F.c.reference == reference)
    return await fetch_one(conn, stmt)


def _of_city(stmt: Any, city_code: str | None) -> Any:
    """`stmt` over files limited to those of `city_code`'s operators (None: every city)."""
    if city_code is None:
        return stmt
    mine = select(scene_operators.c.id).where(scene_operators.c.city_code == city_code)
    return stmt.where(F.c.operator_id.in_(mine))


async def file_by_id(
    conn: AsyncConnection, file_id: int, city_code: str | None = None
) -> Row | None:
    """The file, if it is of an operator of `city_code` (None: of any city)."""
    return await fetch_one(conn, _of_city(select(F).where(F.c.id == file_id), city_code))


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


# ---- the file's lines staged (temporary tables, the transaction's own) ----

STAGE: Final = "clearing_stage"
S = Table(
    STAGE,
    MetaData(),
    Column("line_no", Integer),
    Column("terminal_code", String(32)),
    Column("terminal_seq", BigInteger),
    Column("card_number", String(9)),
    Column("counter", Integer),
    Column("mode", String(8)),
    Column("fare_fen", BigInteger),
    Column("used_at", UTCDateTime),
)
STAGE_DDL: Final = (
    "terminal_code VARCHAR(32), terminal_seq BIGINT, card_number VARCHAR(9), counter INTEGER, "
    "mode VARCHAR(8), fare_fen BIGINT, used_at TIMESTAMP WITH TIME ZONE"
)
CP = Table(  # each staged card's purse (lock_purses)
    "clearing_purses",
    MetaData(),
    Column("card_number", String(9)),
    Column("purse_id", Id),
    Column("city_code", String(4)),
)


def _on_commit(conn: AsyncConnection) -> str:
    return " ON COMMIT DROP" if conn.dialect.name == "postgresql" else ""


async def drop_stage(conn: AsyncConnection) -> None:
    """The staging tables gone (on PostgreSQL they also go with the transaction)."""
    for name in (STAGE, "clearing_raw", "clearing_purses"):
        await conn.execute(text(f"DROP TABLE IF EXISTS {name}"))


async def stage_lines(conn: AsyncConnection, rows: Iterable[Row]) -> None:
    """Lines read in Python (rules.read_file) staged: `rows` with S's columns."""
    await drop_stage(conn)
    ddl = f"line_no INTEGER, {STAGE_DDL}"
    await conn.execute(text(f"CREATE TEMPORARY TABLE {STAGE} ({ddl}){_on_commit(conn)}"))
    await copy_in(conn, S, rows)


async def stage_clean(
    conn: AsyncConnection, body: bytes, operator_id: int, now: datetime
) -> int | None:
    """PostgreSQL, the lines after the header all of rules.CLEAN_LINE's shape: COPYed typed
    straight into the stage (line numbers counted by an identity), then checked for what the
    shape leaves open (CLEAN_CHECK_SQL: the numbers' bounds, used_at's window, the reader).
    The number of lines; None, nothing staged, when COPY refuses a value (2026-02-30) or a
    line breaks a bound: the caller stages the file by stage_raw, which names each problem."""
    typed = f"line_no INTEGER GENERATED ALWAYS AS IDENTITY, {STAGE_DDL}"
    if not await _copied(conn, STAGE, typed, body):  # a value PostgreSQL's types refuse
        return None
    params = _check_params(operator_id, now)
    counted = (await conn.execute(text(CLEAN_CHECK_SQL), params)).mappings().one()
    if counted["outside"]:
        await drop_stage(conn)
        return None
    return int(counted["lines"])


def _clean_check_sql() -> str:
    """The staged typed lines counted, and those outside rules.WHOLE_NUMBERS' bounds or
    used_at's window (:earliest, :latest) or naming no reader of :operator_id."""
    inside = [f"{name} BETWEEN {low} AND {high}" for name, (low, high) in
              rules.WHOLE_NUMBERS.items()]  # fmt: skip
    inside += ["used_at BETWEEN :earliest AND :latest", "r.id IS NOT NULL"]
    return (
        f"SELECT count(*) AS lines, count(*) FILTER (WHERE NOT ({' AND '.join(inside)})) "
        f"AS outside FROM {STAGE} s LEFT JOIN scene_terminals r "
        "ON r.operator_id = :operator_id AND r.terminal_code = s.terminal_code"
    )


CLEAN_CHECK_SQL: Final = _clean_check_sql()


async def _copied(conn: AsyncConnection, table: str, columns: str, body: bytes) -> bool:
    """PostgreSQL: the staging tables dropped, then `body` (the lines after the header)
    COPYed by COPY's own CSV reader into a new temporary `table` (`columns`: its DDL,
    rules.COLUMNS among them). False, nothing kept, when COPY refuses a line."""
    raw = (await conn.get_raw_connection()).driver_connection
    assert raw is not None
    await drop_stage(conn)  # also begins the transaction before the COPY
    try:
        async with conn.begin_nested():
            await conn.execute(text(f"CREATE TEMPORARY TABLE {table} ({columns}) ON COMMIT DROP"))
            await raw.copy_to_table(
                table, source=io.BytesIO(body), columns=list(rules.COLUMNS), format="csv",
                quote="\x02",
            )  # fmt: skip
    except asyncpg.PostgresError:
        return False
    return True


def _check_params(operator_id: int, now: datetime) -> dict[str, Any]:
    """The checks' parameters: the operator whose readers a line may name, used_at's bounds."""
    earliest, latest = rules.used_at_bounds(now)
    return {"operator_id": operator_id, "earliest": earliest, "latest": latest}


RAW_UNFIT: Final = (b'"', b"\r", b"\x00", b"\x02", b"\\.", b"\n\n")
# A fare's line is under 200 bytes; a longer one goes to the Python reader, which refuses a
# cell past its limit as an unreadable file, as it does on SQLite (the same answer on both).
MAX_PLAIN_LINE: Final = 1024


def raw_copy_suits(body: bytes) -> bool:
    """Whether the lines after the header can be COPYed as they are, split by COPY's own CSV
    reader, and checked in SQL: no quoting, carriage return, NUL, COPY's quote (0x02) or
    end-of-data mark, no empty line, none past MAX_PLAIN_LINE bytes; else they are read in
    Python (the csv module)."""
    if body.startswith(b"\n") or any(c in body for c in RAW_UNFIT):
        return False
    return max(map(len, body.split(b"\n")), default=0) <= MAX_PLAIN_LINE


class NotPlain(Exception):
    """The file's lines are not all plain (a line of another number of fields, a blank one):
    read it in Python, which names each such line."""


async def stage_raw(
    conn: AsyncConnection, body: bytes, operator_id: int, now: datetime
) -> tuple[int, int, list[Row]]:
    """PostgreSQL: the lines after the header COPYed as they are into text columns, then
    checked by the rules (rules.py's shapes and bounds, set-based: CHECKED_SQL) and staged
    typed with their problems, each line's reader found among the operator's. (lines,
    problems, the first MAX_PROBLEMS_SHOWN problems as `line` and `key` of
    rules.PROBLEM_TEXTS, in line order). NotPlain, nothing staged, when a line has another
    number of fields or none but blanks."""
    columns = ", ".join(f"{c} TEXT" for c in rules.COLUMNS)
    texts = f"n INTEGER GENERATED ALWAYS AS IDENTITY, {columns}"
    if not await _copied(conn, "clearing_raw", texts, body):  # another number of fields
        raise NotPlain()
    await conn.execute(text(CHECKED_SQL), _check_params(operator_id, now))
    await conn.execute(text("DROP TABLE clearing_raw"))
    counted = await fetch_one(conn, text(
        "SELECT count(*) AS lines, coalesce(sum(cardinality(problems)), 0) AS problems, "
        f"count(*) FILTER (WHERE problems = ARRAY['blank']) AS blank FROM {STAGE}"))  # fmt: skip
    assert counted is not None
    if counted["blank"]:
        await drop_stage(conn)
        raise NotPlain()
    lines, problems = int(counted["lines"]), int(counted["problems"])
    first: list[Row] = []
    if problems and lines <= rules.MAX_LINES:
        first = await fetch_all(conn, text(
            f"SELECT line_no AS line, p.key FROM {STAGE}, unnest(problems) WITH ORDINALITY "
            "AS p(key, k) WHERE cardinality(problems) > 0 ORDER BY line_no, p.k "
            f"LIMIT {rules.MAX_PROBLEMS_SHOWN}"))  # fmt: skip
    return lines, problems, first


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _checked_sql() -> str:
    """rules._fare as one SQL statement over the lines COPYed (of COLUMNS' number of fields; a
    line of blanks only is marked `blank`), each field stripped of rules.BLANKS and checked by
    rules' shapes and bounds, used_at taken apart at rules.USED_AT_SHAPES' places and bounded
    as rules.parse_moment does. Each step ends in OFFSET 0, which keeps the planner from
    pasting a step's expressions into the next (each use of a column evaluated again)."""
    blanks = _sql_text(rules.BLANKS)
    fields = ", ".join(f"btrim(coalesce({name}, ''), {blanks}) AS {name}"
                       for name in rules.COLUMNS)  # fmt: skip
    blank = " AND ".join(f"{name} = ''" for name in rules.COLUMNS)
    digits = _sql_text(rules.DIGITS)

    def spelt(name: str) -> str:  # a whole number's text, once its digits are checked
        high = rules.WHOLE_NUMBERS[name][1]
        ok = f"{name} <> '' AND length({name}) <= {len(str(high))} " \
             f"AND translate({name}, {digits}, '') = ''"  # fmt: skip
        return f"CASE WHEN {ok} THEN {name}::numeric END AS {name}_v"

    def number(name: str) -> str:  # its value, when within its bounds
        low, high = rules.WHOLE_NUMBERS[name]
        return f"CASE WHEN {name}_v BETWEEN {low} AND {high} THEN {name}_v END AS {name}_n"

    def shape(field: str, letters: bool = False) -> str:
        if letters:
            return f"translate({field}, {_sql_text(rules.SHAPE_FROM)}, {_sql_text(rules.SHAPE_TO)})"
        return f"translate({field}, {digits}, {_sql_text('9' * len(rules.DIGITS))})"

    low, high = rules.TERMINAL_CODE_CHARS
    modes = ", ".join(_sql_text(m) for m in rules.MODES)
    shapes = ", ".join(_sql_text(x) for x in sorted(rules.USED_AT_SHAPES))
    u = "used_at"
    z = f"right({u}, 1) = 'Z'"
    zone_len = f"CASE WHEN {z} THEN 1 ELSE 6 END"
    parts = {  # used_at's parts at rules.USED_AT_SHAPES' places, once its shape is one of them
        "y": f"substr({u}, 1, 4)::int",
        "mo": f"substr({u}, 6, 2)::int",
        "d": f"substr({u}, 9, 2)::int",
        "h": f"substr({u}, 12, 2)::int",
        "mi": f"substr({u}, 15, 2)::int",
        "sec": f"CASE WHEN substr({u}, 17, 1) = ':' THEN substr({u}, 18, 2)::int ELSE 0 END",
        "zh": f"CASE WHEN {z} THEN 0 ELSE substr(right({u}, 6), 2, 2)::int END",
        "zm": f"CASE WHEN {z} THEN 0 ELSE substr(right({u}, 6), 5, 2)::int END",
        "sign": f"CASE WHEN right({u}, 6) LIKE '-%' THEN -1 ELSE 1 END",
        "micro": f"rpad(CASE WHEN substr({u}, 20, 1) = '.' THEN substr({u}, 21, "
                 f"length({u}) - 20 - {zone_len}) ELSE '' END, 6, '0')::int",
    }  # fmt: skip
    spelt_parts = ", ".join(f"CASE WHEN spelt THEN {sql} END AS {name}"
                            for name, sql in parts.items())  # fmt: skip
    moment = (
        "CASE WHEN NOT spelt THEN NULL "
        "WHEN NOT (y >= 1 AND mo BETWEEN 1 AND 12 AND d >= 1 AND h <= 23 AND mi <= 59 "
        "AND sec <= 59 AND zh <= 23 AND zm <= 59) THEN NULL "
        "WHEN d > extract(day FROM make_date(y, mo, 1) + interval '1 month' - interval '1 day') "
        "THEN NULL "
        "ELSE make_timestamp(y, mo, d, h, mi, sec) AT TIME ZONE 'UTC' "
        "+ micro * interval '1 microsecond' - sign * (zh * 60 + zm) * interval '1 minute' END"
    )
    found = ", ".join([
        f"CASE WHEN char_length(terminal_code) NOT BETWEEN {low} AND {high} "
        "THEN 'terminal_code' END",
        "CASE WHEN terminal_seq_n IS NULL THEN 'terminal_seq' END",
        f"CASE WHEN {shape('card_number', letters=True)} <> "
        f"{_sql_text(rules.CARD_NUMBER_SHAPE)} THEN 'card_number' END",
        "CASE WHEN counter_n IS NULL THEN 'counter' END",
        f"CASE WHEN mode NOT IN ({modes}) THEN 'mode' END",
        "CASE WHEN fare_fen_n IS NULL THEN 'fare_fen' END",
        "CASE WHEN moment IS NULL THEN 'used_at' "
        "WHEN moment NOT BETWEEN :earliest AND :latest THEN 'used_at_range' END",
    ])  # fmt: skip
    spelt_numbers = ", ".join(spelt(n) for n in rules.WHOLE_NUMBERS)
    numbers = ", ".join(number(n) for n in rules.WHOLE_NUMBERS)
    return f"""
CREATE TEMPORARY TABLE {STAGE} ON COMMIT DROP AS
WITH split AS (
  SELECT n AS line_no, {fields} FROM clearing_raw OFFSET 0
), shaped AS (
  SELECT split.*, {spelt_numbers}, {shape(u)} IN ({shapes}) AS spelt
  FROM split OFFSET 0
), parsed AS (
  SELECT shaped.*, {numbers}, {spelt_parts} FROM shaped OFFSET 0
), timed AS (
  SELECT parsed.*, {moment} AS moment FROM parsed OFFSET 0
), judged AS (
  SELECT timed.*,
    CASE WHEN {blank} THEN ARRAY['blank'] ELSE array_remove(ARRAY[{found}], NULL) END AS found
  FROM timed OFFSET 0
)
SELECT line_no, judged.terminal_code, terminal_seq_n::bigint AS terminal_seq, card_number,
  counter_n::int AS counter, mode, fare_fen_n::bigint AS fare_fen, moment AS used_at,
  CASE WHEN cardinality(found) = 0 AND r.id IS NULL THEN ARRAY['reader'] ELSE found END
    AS problems
FROM judged LEFT JOIN scene_terminals r
  ON r.operator_id = :operator_id AND r.terminal_code = judged.terminal_code
"""


CHECKED_SQL: Final = _checked_sql()


async def analyze_stage(conn: AsyncConnection) -> None:
    """The staged lines' statistics, for the plans of the statements that read them."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text(f"ANALYZE {STAGE}"))


# ---- the staged lines judged and applied ----


async def lock_purses(conn: AsyncConnection) -> None:
    """Each staged card's purse found once (CP: card number, purse, the card's city), and the
    purses locked to the end of the transaction, in id order (PostgreSQL; SQLite serialises
    writes already): no top-up, refund or online fare changes them meanwhile."""
    found = (
        select(cards.c.card_number, P.c.id.label("purse_id"), cards.c.city_code)
        .select_from(cards.join(P, P.c.card_id == cards.c.id))
        .where(cards.c.card_number.in_(select(S.c.card_number).distinct()))
    )
    columns = "card_number VARCHAR(9), purse_id BIGINT, city_code VARCHAR(4)"
    await conn.execute(text(f"CREATE TEMPORARY TABLE {CP.name} ({columns}){_on_commit(conn)}"))
    await conn.execute(insert(CP).from_select(["card_number", "purse_id", "city_code"], found))
    if conn.dialect.name != "postgresql":
        return
    await conn.execute(text(f"ANALYZE {CP.name}"))
    stmt = select(P.c.id).where(P.c.id.in_(select(CP.c.purse_id))).order_by(P.c.id)
    await conn.execute(stmt.with_for_update())


def _reference(terminal_id: Any, terminal_seq: Any) -> Any:
    return literal("fare:") + cast(terminal_id, String) + literal(":") + cast(terminal_seq, String)


# Each of the judging's three sorts of a 1,000,000-line file takes about 180 MB; the default
# (4 MB) sends them to disk, twice as slow. For this transaction only.
JUDGING_WORK_MEM: Final = "256MB"

LINE_COLUMNS: Final = [
    "file_id", "line_no", "terminal_id", "terminal_seq", "card_number", "counter", "mode",
    "fare_fen", "used_at", "city_code", "purse_id", "card_city_code", "charged_fen",
    "balance_after_fen", "outcome", "gap",
]  # fmt: skip


def _judged(
    file_id: int, operator_id: int, city_code: str, percents: dict[tuple[str, bool], int]
) -> Any:
    """The staged lines with their outcomes (rules.LineOutcome), in LINE_COLUMNS' order, each
    line's reader found among `operator_id`'s by its code (every one is, once staged): no
    purse, closed, the reader's sequence applied before or earlier in the file (duplicate), the
    card's counter written before or earlier in the file (counter_seen), each judged among the
    lines the earlier tests left; the rest per purse in counter order, applied while the
    running sum stays within the balance (balance_after, and the gap from the previous
    counter or the purse's last), not_enough after. The charge is `percents[(mode, the card
    is of the reader's city)]` of the fare, rounded half up (TRN-3)."""
    sent, written = G.alias("sent"), G.alias("written")
    local = CP.c.city_code == city_code
    whens = [(and_(S.c.mode == mode, local if is_local else ~local), literal(percent))
             for (mode, is_local), percent in percents.items()]  # fmt: skip
    percent = case(*whens, else_=literal(100)) if whens else literal(100)
    charged = cast((S.c.fare_fen * cast(percent, BigInteger) + 50) // 100, BigInteger)
    with_purse = P.c.id.is_not(None)
    first = case(
        (P.c.id.is_(None), LineOutcome.NOT_LOADED.value),
        (P.c.status == PurseStatus.CLOSED.value, LineOutcome.CLOSED.value),
        (sent.c.id.is_not(None), LineOutcome.DUPLICATE.value),
        else_=None,
    )
    reader = scene_terminals
    sent_on = and_(sent.c.kind == "fare",
                   sent.c.reference == _reference(reader.c.id, S.c.terminal_seq))  # fmt: skip
    written_on = and_(written.c.purse_id == P.c.id, written.c.counter == S.c.counter)
    joined = (
        select(
            S,
            reader.c.id.label("terminal_id"),
            P.c.id.label("purse_id"),
            case((with_purse, CP.c.city_code), else_=None).label("card_city_code"),
            case((with_purse, charged), else_=None).label("charged"),
            P.c.balance_fen,
            P.c.last_counter,
            written.c.id.is_not(None).label("written"),
            first.label("o1"),
        )
        .select_from(
            S.join(
                reader,
                and_(
                    reader.c.operator_id == operator_id, reader.c.terminal_code == S.c.terminal_code
                ),
            )
            .outerjoin(CP, CP.c.card_number == S.c.card_number)
            .outerjoin(P, P.c.id == CP.c.purse_id)
            .outerjoin(sent, sent_on)
            .outerjoin(written, written_on)
        )
        .subquery("joined")
    )
    j = joined.c
    # a later copy among the lines still pending: pending lines rank first in their partition
    copy_no = func.row_number().over(
        partition_by=(j.terminal_id, j.terminal_seq), order_by=(j.o1.is_(None).desc(), j.line_no)
    )
    copies = select(joined, copy_no.label("copy_no")).subquery("copies")
    c = copies.c
    second = case(
        (c.o1.is_not(None), c.o1),
        (c.copy_no > 1, LineOutcome.DUPLICATE.value),
        (c.written, LineOutcome.COUNTER_SEEN.value),
        else_=None,
    )
    seen = select(copies, second.label("o2")).subquery("seen")
    n = seen.c
    counter_no = func.row_number().over(
        partition_by=(n.purse_id, n.counter), order_by=(n.o2.is_(None).desc(), n.line_no)
    )
    third = case((and_(n.o2.is_(None), counter_no > 1), LineOutcome.COUNTER_SEEN.value),
                 else_=n.o2)  # fmt: skip
    ranked = select(seen, third.label("o3")).subquery("ranked")
    r = ranked.c
    pending = r.o3.is_(None)
    order = (r.counter, r.line_no)
    spent = func.sum(case((pending, r.charged), else_=0)).over(
        partition_by=r.purse_id, order_by=order
    )
    previous = func.max(case((pending, r.counter), else_=None)).over(
        partition_by=r.purse_id, order_by=order, rows=(None, -1)
    )
    summed = select(ranked, spent.label("spent"), previous.label("previous")).subquery("summed")
    m = summed.c
    fits = and_(m.o3.is_(None), m.spent <= m.balance_fen)
    before = func.coalesce(m.previous, m.last_counter)
    gap = case((and_(fits, before.is_not(None), m.counter > before + 1), m.counter - before - 1),
               else_=0)  # fmt: skip
    outcome = case(
        (m.o3.is_not(None), m.o3),
        (fits, LineOutcome.APPLIED.value),
        else_=LineOutcome.NOT_ENOUGH.value,
    )
    return select(
        literal(file_id), m.line_no, m.terminal_id, m.terminal_seq, m.card_number, m.counter,
        m.mode, m.fare_fen, m.used_at, literal(city_code), m.purse_id, m.card_city_code,
        m.charged, case((fits, m.balance_fen - m.spent), else_=None), outcome, gap,
    ).order_by(m.line_no)  # fmt: skip


async def write_lines(
    conn: AsyncConnection, file_id: int, operator_id: int, city_code: str,
    percents: dict[tuple[str, bool], int],
) -> None:  # fmt: skip
    """Every staged line judged (_judged) and written once, by one INSERT ... SELECT, in line
    order: the primary key's entries are appended, not scattered over the file's range."""
    judged = _judged(file_id, operator_id, city_code, percents)
    if conn.dialect.name == "postgresql":  # the windows' sorts of a million lines, in memory
        await conn.execute(text(f"SET LOCAL work_mem = '{JUDGING_WORK_MEM}'"))
    await conn.execute(insert(L).from_select(LINE_COLUMNS, judged))


async def write_ledger(conn: AsyncConnection, file_id: int, operator_id: int) -> None:
    """The applied lines into the purses' ledger (one INSERT ... SELECT), then each purse's
    balance and last counter updated once (the file's sum and top counter by purse)."""
    applied = and_(L.c.file_id == file_id, L.c.outcome == LineOutcome.APPLIED.value)
    rows = select(
        L.c.purse_id,
        L.c.used_at,
        literal("fare"),
        -L.c.charged_fen,
        L.c.balance_after_fen,
        L.c.counter,
        _reference(L.c.terminal_id, L.c.terminal_seq),
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


# ---- reports ----


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


async def notable_lines(
    conn: AsyncConnection, file_id: int, limit: int, after_line: int = 0
) -> list[Row]:
    """The first `limit` lines after `after_line` not applied or applied after a gap, in
    line order (read through the primary key's range of the file)."""
    stmt = (
        select(L.c.line_no, L.c.card_number, L.c.counter, L.c.outcome, L.c.gap)
        .where(L.c.file_id == file_id, L.c.line_no > after_line)
        .where((L.c.outcome != LineOutcome.APPLIED.value) | (L.c.gap > 0))
        .order_by(L.c.line_no)
        .limit(limit)
    )
    return await fetch_all(conn, stmt)


async def recent_files(
    conn: AsyncConnection, since: datetime, limit: int, city_code: str | None = None
) -> list[Row]:
    """The files uploaded since `since`, newest first, of `city_code`'s operators (None: all)."""
    stmt = select(F).where(F.c.uploaded_at >= since).order_by(F.c.id.desc()).limit(limit)
    return await fetch_all(conn, _of_city(stmt, city_code))
