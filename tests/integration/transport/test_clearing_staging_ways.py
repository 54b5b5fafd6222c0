"""The three ways a clearing file's lines are staged agree (SPEC TRN-3; issue 15, "Scale and
faults"): on PostgreSQL the typed COPY of clean lines (repository.stage_clean), the COPY of
plain lines checked in SQL (repository.stage_raw), and the Python reader (rules.read_file, the
operator's readers, repository.stage_lines; the only way on SQLite) take the same lines with the
same typed values (the reader's code, its sequence, the card, the counter, the mode, the fare,
used_at as one UTC moment) and name the same problems of the same lines, in the same order.

Some hundreds of lines are made by a seeded random.Random (the same on every run): lines as
readers write them and near misses of each field (years 1899 to 3000, month 00 and 13, day 00,
31 and 29 February, hour 24, minute and second 60, one to seven digits of fraction, zones from
Z to +23:59, the T or a space, no seconds, leading zeros, numbers at and past their bounds,
codes of 1, 32 and 33 characters, lowercase cards, modes in capitals, blanks around fields),
with moments mostly inside the upload window and some just outside it. Each is tried in a file
after one good line, then in files of several lines and in one file of all the plain ones,
staged each way that suits the file in a savepoint rolled back after it, the staged rows read
back (columns cast: the stage's types differ by way, so SELECT * would break the driver's
prepared statement).

What is proven: a file stage_clean takes is one the exact ways take, with the same values; a
file the exact ways refuse, stage_clean refuses (None); stage_raw counts and lists the Python
reader's problems, stages the Python reader's values for every line it reads, and leaves to the
Python reader (NotPlain) exactly the files with a line of another number of fields or of blanks
only. stage_clean refuses a file the exact ways take in one case only: a zone past PostgreSQL's
+-15:59, which CLEAN_LINE lets through (zone hours to 23, as the rules) and COPY refuses; the
file is then taken the exact way, with the same values (it costs time, never a line)."""

from __future__ import annotations

import random
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.actor import OPERATOR
from sscard.kernel.ctx import Ctx
from sscard.scenes.models import scene_operators, scene_terminals
from sscard.transport.offline import repository as repo
from sscard.transport.offline import rules, service
from sscard.transport.offline.rules import OfflineFare
from sscard.transport.rules import MAX_COUNTER, MAX_FARE_FEN
from tests.integration.scenes.support import scene
from tests.support.api import Api

HEADER = ",".join(rules.COLUMNS).encode() + b"\n"
SEED = 15  # issue 15
OPERATOR_CODE = "BUS3204000115"
# The operator's readers: registered through the API (capitals, digits, _ and -), then three
# registered and renamed inside each test's transaction to codes the registration refuses but
# a line may name (lowercase, . : /, not ASCII), so that lines naming them are read through.
REGISTERED = ("T1", "A", "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-0123", "T_1-X")
RENAMED = {"R1": "rd.1:a/b-c_d", "R2": "终端/1", "R3": "abcdefghijklmnopqrstuvwxyz.:/-_9"}
READERS = (*REGISTERED, *RENAMED.values())
GOOD = "T1,1,A00000001,1,bus,100,{at}"
# A zone PostgreSQL's timestamptz refuses (its limit is 15:59); the rules take hours to 23.
PAST_POSTGRES_ZONE = re.compile(r"[+-](1[6-9]|2[0-3]):[0-5][0-9]$")
PROBLEM_KEYS = {(field, en): key for key, (field, _zh, en) in rules.PROBLEM_TEXTS.items()}
STAGED = ("terminal_code", "terminal_seq", "card_number", "counter", "mode", "fare_fen", "used_at")
SHOWN = 12  # disagreements listed when a test fails


# ---- the lines ----


def zone_text(minutes: int, z: bool = False) -> str:
    if minutes == 0 and z:
        return "Z"
    sign, whole = ("-" if minutes < 0 else "+"), abs(minutes)
    return f"{sign}{whole // 60:02d}:{whole % 60:02d}"


def spelt(
    at: datetime, zone: int = 480, *, sep: str = "T", seconds: bool = True, digits: int = 0,
    z: bool = False,
) -> str:  # fmt: skip
    """`at` written in the zone `zone` minutes east of UTC: yyyy-mm-dd, `sep`, hh:mm, then
    :ss and `digits` digits of its fraction (a seventh is a 0) when `seconds`, then the zone
    (Z for UTC when `z`)."""
    local = at.astimezone(timezone(timedelta(minutes=zone)))
    written = f"{local.year:04d}-{local.month:02d}-{local.day:02d}{sep}"
    written += f"{local.hour:02d}:{local.minute:02d}"
    if seconds:
        written += f":{local.second:02d}"
        if digits:
            written += "." + f"{local.microsecond:06d}0"[:digits]
    return written + zone_text(zone, z)


# zones in minutes east of UTC, Beijing's most often, one in ten past PostgreSQL's 15:59
ZONES = (*[480] * 12, 0, 0, 0, -30, 345, -300, 840, 959, -959, 960, 1439, -1439)


def random_moment(rng: random.Random, now: datetime, inside: float = 0.9) -> str:
    """A moment mostly inside the upload window of `now`, written in one of many ways."""
    earliest, latest = rules.used_at_bounds(now)
    if rng.random() < inside:
        at = earliest + (latest - earliest) * rng.random()
    else:
        at = rng.choice([earliest - timedelta(days=rng.randint(1, 400)),
                         latest + timedelta(minutes=rng.randint(1, 60 * 24 * 400))])  # fmt: skip
    zone = rng.choice(ZONES)
    seconds = rng.random() < 0.8
    digits = rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 6, 7]) if seconds else 0
    return spelt(at, zone, sep=rng.choice("TT "), seconds=seconds, digits=digits,
                 z=rng.random() < 0.7)  # fmt: skip


def odd_moments(now: datetime) -> list[str]:
    """used_at's near misses and edges, most on a day inside the window of `now`."""
    earliest, latest = rules.used_at_bounds(now)
    tick = timedelta(microseconds=1)
    day = now - timedelta(days=1)  # a Beijing day inside the window
    d = spelt(day)[:10]
    y, m = d[:4], d[5:7]
    edges = [  # the window's edges, in several zones and spellings
        spelt(earliest, 0, digits=6, z=True), spelt(earliest - tick, 0, digits=6, z=True),
        spelt(earliest, 480, digits=6), spelt(earliest - tick, -30, digits=6),
        spelt(latest, 480), spelt(latest, -959, sep=" "), spelt(latest + tick, 480, digits=6),
        spelt(latest + tick, 840, digits=6), spelt(latest, 0, seconds=False, z=True),
        spelt(latest + timedelta(minutes=1), 0, seconds=False, z=True),
    ]  # fmt: skip
    zones = [
        *(spelt(day, zone, z=zone == 0) for zone in (0, -30, 840, 959, 960, -960, 1439, -1439)),
        spelt(day, 0), f"{d}T10:00:00-00:00", f"{d}T10:00:00+24:00", f"{d}T10:00:00+08:60",
        f"{d}T10:00:00+0800", f"{d}T10:00:00+08", f"{d}T10:00:00", f"{d}T10:00:00z",
    ]  # fmt: skip
    fractions = [  # 1 to 7 digits, a dot without any, a fraction of no seconds
        *(spelt(day, 480, digits=n) for n in range(1, 8)),
        *(spelt(day, 0, digits=n, z=True, sep=" ") for n in (1, 6, 7)),
        f"{d}T10:00:00.+08:00", f"{d}T10:00.5+08:00",
    ]  # fmt: skip
    spellings = [  # separators, parts missing or added, blanks, digits that are not ASCII
        spelt(day, 480, sep=" "), spelt(day, 480, seconds=False), spelt(day, 0, sep=" ", z=True),
        f"{d}t10:00:00+08:00", f"{d}T10+08:00", d, f"{d}T10:00:00+08:00 x", f"{d}TT10:00Z",
        f"{y}{m}{d[8:]}T100000Z", f"{d}T1:00:00+08:00", f" {d}T10:00:00+08:00 ",
        f"\t{d} 10:00Z", "", f"{d}T１0:00:00+08:00", f"{d}T10:00:00+٠8:00",
    ]  # fmt: skip
    clock = [  # hours, minutes and seconds at and past their ends
        f"{d}T23:59:59+08:00", f"{d}T24:00:00+08:00", f"{d}T24:00+08:00", f"{d}T23:60:00+08:00",
        f"{d}T23:59:60+08:00", f"{d}T23:59:60.5+08:00", f"{d}T00:00:00+08:00",
        f"{d}T99:99:99+08:00",
    ]  # fmt: skip
    calendar = [  # months, days, leap days and years at and past the ends
        f"{y}-00-10T10:00:00+08:00", f"{y}-13-10T10:00:00+08:00", f"{y}-{m}-00T10:00+08:00",
        "2026-11-31T10:00:00+08:00", "2026-10-31T12:00:00+08:00", "2026-11-30T10:00Z",
        "2026-04-31T10:00:00+08:00", "2026-02-29T10:00:00+08:00", "2024-02-29T10:00:00+08:00",
        "2026-02-30T08:00:00+08:00", "1900-02-29T12:00:00Z", "2000-02-29T12:00:00Z",
        "1899-12-31T23:59:59Z", "1900-01-01T00:00:00Z", "1900-01-01T00:00:00+14:00",
        "2999-12-31T23:59:59.999999-15:59", "2999-12-31T23:59:59-23:59",
        "3000-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00+08:00",
        "0001-01-01T08:00:00+08:00", "9999-12-31T23:59:59-08:00", "9999-12-31T23:59:59Z",
    ]  # fmt: skip
    return [*edges, *zones, *fractions, *spellings, *clock, *calendar]


def odd_fields(now: datetime) -> dict[str, list[str]]:
    """Each field's near misses, the values at its bounds and values that are fine."""
    return {
        "terminal_code": [
            *READERS, "T7", "t1", "X" * 33, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-01234", "", " T1 ",
            "\tT1", "T1 x", "終端", "a.b", "T1\\", "rd.1:a/b-c_d ", "A" * 32,
        ],
        "terminal_seq": [
            "0", "7", str(2**62), str(2**62 + 1), str(2**63 - 1), "9" * 19, "1" + "0" * 19,
            "0" * 17 + "42", "0" * 18 + "42", "-1", "+1", "1.0", "1e3", "４２", "", " 42 ",
            "0x10", "\t5",
        ],
        "card_number": [
            "A12345678", "Z00000000", "a12345678", "A1234567", "A123456789", "AB1234567",
            "112345678", "", " A12345678", "A1234５678", "Ä12345678", "A 2345678",
        ],
        "counter": [
            "0", str(MAX_COUNTER), str(MAX_COUNTER + 1), "99999", "00065", "000065", "-1", "",
            " 7", "1.5", "065535",
        ],
        "mode": [
            "bus", "metro", "tram", "ferry", "BUS", "Bus", "Metro", "plane", "", " tram ", "bus ",
        ],
        "fare_fen": [
            "0", "1", str(MAX_FARE_FEN), str(MAX_FARE_FEN + 1), "999999", "000100", "0000001",
            "-5", "", "1.00", " 200", "00",
        ],
        "used_at": odd_moments(now),
    }  # fmt: skip


def random_fields(rng: random.Random, now: datetime) -> dict[str, str]:
    """A line as a reader writes it."""
    return {
        "terminal_code": rng.choice(READERS),
        "terminal_seq": str(rng.randrange(10 ** rng.randint(1, 18))),
        "card_number": rng.choice(rules.CAPITALS) + f"{rng.randrange(10**8):08d}",
        "counter": str(rng.randrange(MAX_COUNTER + 1)),
        "mode": rng.choice(rules.MODES),
        "fare_fen": str(rng.randint(1, MAX_FARE_FEN)),
        "used_at": random_moment(rng, now),
    }


def candidates(now: datetime) -> list[str]:
    """Some hundreds of lines, the same on every run: each near miss of each field in a line
    otherwise fine, lines of one to three fields drawn from the near misses, lines as readers
    write them, and a few of another number of fields, of blanks only or quoted."""
    rng = random.Random(SEED)
    odd = odd_fields(now)
    lines: list[str] = []
    for field, values in odd.items():
        for value in values:
            lines.append(",".join({**random_fields(rng, now), field: value}.values()))
    for _ in range(100):
        fields = random_fields(rng, now)
        for field in rng.sample(rules.COLUMNS, rng.choice([1, 1, 2, 3])):
            fields[field] = rng.choice(odd[field])
        lines.append(",".join(fields.values()))
    lines += [",".join(random_fields(rng, now).values()) for _ in range(80)]
    fine = ",".join(random_fields(rng, now).values())
    lines += [
        fine + ",extra", fine.rpartition(",")[0], ",,,,,,", " , ,\t, , , , ", '"T1"' + fine[2:],
        fine.replace(",", ", "), fine.replace(",", "\t,"), ",".join(["T1"] * 7),
    ]  # fmt: skip
    return lines


def plain(lines: Sequence[str]) -> bool:
    """Whether every line has COLUMNS' number of fields and something besides blanks: what
    stage_raw stages (else NotPlain, and the file is read in Python)."""
    return all(len(x.split(",")) == len(rules.COLUMNS) and x.replace(",", "").strip(rules.BLANKS)
               for x in lines)  # fmt: skip


# ---- the three ways ----


def python_way(
    body: bytes, now: datetime, readers: dict[str, int]
) -> tuple[list[OfflineFare], list[tuple[int, str]]]:
    """The Python reader's fares and problems (line, rules.PROBLEM_TEXTS key), the readers
    checked as service._stage does, in line order."""
    fares, problems = rules.read_file(HEADER + body, now)
    problems += service._unknown_readers(fares, problems, readers)
    problems.sort(key=lambda p: p.line)
    return fares, [(p.line, PROBLEM_KEYS[(p.field, p.reason_en)]) for p in problems]


def fare_row(fare: OfflineFare) -> tuple[Any, ...]:
    return (fare.terminal_code, fare.terminal_seq, fare.card_number, fare.counter,
            fare.mode.value, fare.fare_fen, fare.used_at.astimezone(UTC))  # fmt: skip


def staged_row(row: dict[str, Any]) -> tuple[Any, ...]:
    values = [row[c] for c in STAGED]
    return (*values[:-1], values[-1] and values[-1].astimezone(UTC))


# The staged rows, each column cast: the stage is made again by each try, its columns' types
# differing by way (VARCHAR(32) or TEXT), and a statement the driver prepared must keep its
# result's types (SELECT * fails with InvalidCachedStatementError).
STAGED_SQL = (
    "SELECT line_no::int, terminal_code::text, terminal_seq::bigint, card_number::text, "
    "counter::int, mode::text, fare_fen::bigint, {used_at}::timestamptz AS used_at"
)
# stage_raw's rows with their problems; used_at only of a line read (a line's problem may be a
# moment Python cannot hold, 10000-01-01, that the driver would fail to read)
RAW_SQL = (
    STAGED_SQL.format(used_at="CASE WHEN problems <@ ARRAY['reader'] THEN used_at END")
    + ", problems::text[]"
)


async def staged(conn: AsyncConnection, raw: bool = False) -> list[dict[str, Any]]:
    """The staged rows in line order (stage_raw's with their problems)."""
    columns = RAW_SQL if raw else STAGED_SQL.format(used_at="used_at")
    rows = await conn.execute(text(f"{columns} FROM {repo.STAGE} ORDER BY line_no"))
    return [dict(r) for r in rows.mappings()]


@asynccontextmanager
async def tried(conn: AsyncConnection) -> AsyncIterator[None]:
    """A savepoint rolled back after the try, whatever it staged."""
    savepoint = await conn.begin_nested()
    try:
        yield
    finally:
        await savepoint.rollback()


class Judge:
    """Stages files each way and keeps what disagrees."""

    def __init__(self, ctx: Ctx, operator_id: int, readers: dict[str, int]) -> None:
        self.ctx, self.operator_id, self.readers = ctx, operator_id, readers
        self.disagreements: list[str] = []
        self.clean_refused_taken: list[list[str]] = []  # by stage_clean, taken the exact ways
        self.tries = {"clean": 0, "clean_taken": 0, "raw": 0, "raw_taken": 0, "python": 0}

    def differ(self, way: str, lines: Sequence[str], what: str) -> None:
        self.disagreements.append(f"{way}: {what}; lines {list(lines)!r}")

    async def judge(self, lines: Sequence[str]) -> bool:
        """Stage `lines` (a file's lines after its header) each way that suits them, in one
        savepoint rolled back after (each way drops the stage the one before made); whether
        the exact ways take the file."""
        conn, now = self.ctx.conn, self.ctx.now
        body = "".join(f"{x}\n" for x in lines).encode()
        fares, problems = python_way(body, now, self.readers)
        taken = not problems and bool(fares)
        expected = [(n, *fare_row(f)) for n, f in enumerate(fares, start=1)]
        async with tried(conn):
            try:
                if taken:
                    self.tries["python"] += 1
                    await repo.stage_lines(conn, service._rows(fares))
                    rows = [(r["line_no"], *staged_row(r)) for r in await staged(conn)]
                    if rows != expected:
                        self.differ("stage_lines", lines, f"staged {rows}, read {expected}")
                if rules.clean_lines(body):
                    await self._clean(lines, body, taken, expected)
                if repo.raw_copy_suits(body):
                    await self._raw(lines, body, fares, problems)
            except DBAPIError as error:  # the savepoint's rollback lets the next file be tried
                self.differ("SQL", lines, f"{type(error.orig).__name__}: {error.orig}")
        return taken

    async def _clean(
        self, lines: Sequence[str], body: bytes, taken: bool, expected: list[tuple[Any, ...]]
    ) -> None:
        conn = self.ctx.conn
        self.tries["clean"] += 1
        count = await repo.stage_clean(conn, body, self.operator_id, self.ctx.now)
        rows = [(r["line_no"], *staged_row(r)) for r in await staged(conn)] if count else []
        if count is None:
            if taken:
                self.clean_refused_taken.append(list(lines))
            return
        self.tries["clean_taken"] += 1
        if not taken:
            self.differ("stage_clean", lines, f"took {count} lines the exact ways refuse")
        elif (count, rows) != (len(expected), expected):
            self.differ("stage_clean", lines, f"staged {count}: {rows}, read {expected}")

    async def _raw(
        self, lines: Sequence[str], body: bytes, fares: list[OfflineFare],
        problems: list[tuple[int, str]],
    ) -> None:  # fmt: skip
        conn = self.ctx.conn
        self.tries["raw"] += 1
        try:
            count, found, first = await repo.stage_raw(conn, body, self.operator_id, self.ctx.now)
        except repo.NotPlain:
            if plain(lines):
                self.differ("stage_raw", lines, "NotPlain for plain lines")
            return
        rows = await staged(conn, raw=True)
        if not plain(lines):
            self.differ("stage_raw", lines, "staged lines that are not plain")
            return
        listed = [(r["line"], r["key"]) for r in first]
        if (count, found, listed) != (len(lines), len(problems),
                                      problems[: rules.MAX_PROBLEMS_SHOWN]):  # fmt: skip
            self.differ("stage_raw", lines, f"{count} lines, {found} problems {listed}; "
                        f"read {len(problems)} problems {problems}")  # fmt: skip
            return
        self.tries["raw_taken"] += not found
        # every line the Python reader reads (a fare, even of a reader not the operator's) is
        # staged with its values, in line order, under its own line number
        unreadable = {line for line, key in problems if key != "reader"}
        numbers = [n for n in range(1, len(lines) + 1) if n not in unreadable]
        expected = [(n, *fare_row(f)) for n, f in zip(numbers, fares, strict=True)]
        read = [(r["line_no"], *staged_row(r)) for r in rows if set(r["problems"]) <= {"reader"}]
        if read != expected:
            self.differ("stage_raw", lines, f"staged {read}, read {expected}")
        keys = [(r["line_no"], k) for r in rows for k in r["problems"]]
        if keys != problems:
            self.differ("stage_raw", lines, f"staged problems {keys}, read {problems}")


def failed(judge: Judge) -> str:
    shown = "\n".join(judge.disagreements[:SHOWN])
    return f"{len(judge.disagreements)} disagreements, the first:\n{shown}"


async def skip_unless_postgresql(api: Api) -> None:
    async with api.rt.unit(OPERATOR) as ctx:
        if ctx.conn.dialect.name != "postgresql":
            pytest.skip("SQLite reads every file in Python: there is one way only")


async def operator_readers(api: Api) -> None:
    """The operator and its readers (REGISTERED, and RENAMED's codes before renaming)."""
    await scene(api, "transit", OPERATOR_CODE, city="3204")
    for code in (*REGISTERED[1:], *RENAMED):
        r = await api.post(f"/api/v1/scenes/{OPERATOR_CODE}/terminals", "admin",
                           {"terminal_code": code, "language": "zh"})  # fmt: skip
        assert r.status_code == 201, r.text


@asynccontextmanager
async def judging(api: Api) -> AsyncIterator[Judge]:
    """A unit of work in which RENAMED's readers bear their new codes, rolled back at its end
    with all it staged."""
    await operator_readers(api)
    async with api.rt.unit(OPERATOR) as ctx:
        found = await ctx.conn.execute(
            select(scene_operators.c.id).where(scene_operators.c.code == OPERATOR_CODE)
        )
        operator_id = int(found.scalar_one())
        t = scene_terminals
        for old, new in RENAMED.items():
            await ctx.conn.execute(
                update(t)
                .where(t.c.operator_id == operator_id, t.c.terminal_code == old)
                .values(terminal_code=new)
            )
        readers = await repo.readers_of(ctx.conn, operator_id)
        assert set(readers) == set(READERS)
        try:
            yield Judge(ctx, operator_id, readers)
        finally:
            await ctx.conn.rollback()


def good_line(now: datetime) -> str:
    return GOOD.format(at=spelt(now - timedelta(hours=2)))


# ---- the tests ----


async def test_each_line_is_taken_or_refused_alike_by_the_three_ways(api: Api) -> None:
    """TRN-3: each candidate line after one good line, staged each way: the same lines taken
    with the same values, the same problems named; the typed COPY refuses a file the exact ways
    take only for a zone past PostgreSQL's 15:59."""
    await skip_unless_postgresql(api)
    async with judging(api) as judge:
        now = judge.ctx.now
        good = good_line(now)
        assert await judge.judge([good])
        lines = candidates(now)
        assert len(lines) >= 300
        taken = [line for line in lines if await judge.judge([good, line])]
        assert not judge.disagreements, failed(judge)
        refused = {tuple(file) for file in judge.clean_refused_taken}
        past = [x for x in taken if PAST_POSTGRES_ZONE.search(x) and rules.clean_lines(x.encode())]
        expected = {(good, line) for line in past}
        assert refused == expected
        # the tries reached each way, each taking some files and refusing others
        tries = judge.tries
        assert 100 <= len(taken) <= len(lines) - 100, len(taken)
        assert tries["clean"] - tries["clean_taken"] >= 30, tries
        assert tries["clean_taken"] >= 80, tries
        assert tries["raw"] - tries["raw_taken"] >= 100, tries
        assert tries["raw_taken"] >= 100, tries


async def test_files_of_several_lines_are_staged_alike_by_the_three_ways(api: Api) -> None:
    """TRN-3: the candidate lines in files of 2 to 12 lines drawn at random, in files of lines
    each taken alone (the typed COPY takes several lines of one file, typed), and all in one
    file (more than 100 problems: the first 100 listed alike): the three ways agree."""
    await skip_unless_postgresql(api)
    async with judging(api) as judge:
        now = judge.ctx.now
        rng = random.Random(SEED + 1)
        lines = candidates(now)
        good = good_line(now)
        alone = [x for x in lines if not python_way(f"{x}\n".encode(), now, judge.readers)[1]]
        clean = [
            x
            for x in alone
            if rules.CLEAN_LINE.fullmatch(x.encode()) and not PAST_POSTGRES_ZONE.search(x)
        ]
        files: list[list[str]] = []
        for pool in (lines, alone, clean):
            shuffled = rng.sample(pool, len(pool))
            while shuffled:
                size = rng.randint(2, 12)
                files.append([good, *shuffled[:size]])
                shuffled = shuffled[size:]
        files.append([x for x in lines if plain([x]) and repo.raw_copy_suits(f"{x}\n".encode())])
        taken = [file for file in files if await judge.judge(file)]
        assert not judge.disagreements, failed(judge)
        for file in judge.clean_refused_taken:
            assert any(PAST_POSTGRES_ZONE.search(x) for x in file), file
        assert len(taken) >= 20, len(taken)
        assert judge.tries["clean_taken"] >= 10, judge.tries
        assert judge.tries["raw_taken"] >= 10, judge.tries
        assert len(files[-1]) > 300
        count, found, first = await repo.stage_raw(
            judge.ctx.conn, "".join(f"{x}\n" for x in files[-1]).encode(), judge.operator_id, now
        )
        assert (count, len(first)) == (len(files[-1]), rules.MAX_PROBLEMS_SHOWN)
        assert found > rules.MAX_PROBLEMS_SHOWN


async def test_a_zone_past_fifteen_hours_is_taken_the_exact_way(api: Api) -> None:
    """TRN-3 (finding): a line as readers write it whose zone is past +-15:59 (rules take zone
    hours to 23) is one PostgreSQL's timestamptz refuses: stage_clean stages nothing (None)
    though the file is good, and the file goes the exact way, which takes it with the Python
    reader's values. Only time is lost, never a line."""
    await skip_unless_postgresql(api)
    async with judging(api) as judge:
        conn, now = judge.ctx.conn, judge.ctx.now
        at = now - timedelta(hours=3)
        lines = [good_line(now)]
        lines += [f"T1,{i},A0000000{i},{i},bus,200,{spelt(at, zone)}"
                  for i, zone in enumerate((959, 960, -960, 1439, -1439), start=2)]  # fmt: skip
        body = "".join(f"{x}\n" for x in lines).encode()
        assert rules.clean_lines(body)
        fares, problems = python_way(body, now, judge.readers)
        assert (len(fares), problems) == (6, [])
        assert {f.used_at for f in fares[1:]} == {at.replace(microsecond=0)}
        async with tried(conn):
            assert await repo.stage_clean(conn, body, judge.operator_id, now) is None
        async with tried(conn):
            assert await repo.stage_raw(conn, body, judge.operator_id, now) == (6, 0, [])
            rows = [staged_row(r) for r in await staged(conn)]
        assert rows == [fare_row(f) for f in fares]
        assert await judge.judge(lines)
        assert not judge.disagreements, failed(judge)
        assert judge.clean_refused_taken == [lines]
