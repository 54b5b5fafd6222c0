"""Delivery to banks (issue 4): messages a bank acknowledges per second, and the time from a card's
state change to the bank's acknowledgment.

Every part runs as its own process, as in production, on the same machine:
- sscard's database on PostgreSQL (the bench database's name + `_delivery`), set up fresh, with
  persons 1..N each holding a collected, active ICBC card of Nanjing (generated set-based);
- the bank simulator (`python -m bank_simulator serve`) on its own SQLite file, so that the
  bank's bookkeeping stays off sscard's PostgreSQL; linked with `sscard banks link-simulator`, with
  its reports to sscard switched off (`send_reports: false`) so that the service only delivers;
- `sscard worker`: its dispatcher delivers with the default batch and poll settings. The daily
  reconciliation, which would fetch every bank's statement if a run crossed 02:00 Beijing time,
  is kept from firing by clearing the endpoints' statement addresses;
- `sscard serve --workers 2` with SSCARD_WORKER=0 (no second dispatcher), for the API load.

Throughput: a backlog of outbox rows committed in one transaction while the dispatcher idles,
drained to the last row. Latency: changes made at a steady rate while the dispatcher runs;
each message's latency is delivered_at - created_at: created_at is the change's own moment,
delivered_at is written once the bank's answer is in (for NATS, once the broker has stored it).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from benchmarks.lifecycle import (
    OUTLET,
    TICKS,
    CpuMeter,
    _machine_ticks,
    _package,
    _quantile,
    pg_url,
    prepare,
)
from benchmarks.run import OUT, free_port, machine_line, settings_for
from benchmarks.run import commit as head_commit
from sscard.banks.messages import card_status_changed
from sscard.cards.entities import CardRef
from sscard.cards.lifecycle import CardEvent, HrStatus
from sscard.kernel.actor import OPERATOR
from sscard.kernel.runtime import Runtime
from sscard.platform.outbox import dispatcher
from sscard.platform.outbox import repository as outbox_repo
from sscard.platform.outbox.service import enqueue_many

BANK = "ICBC"
STREAM = "SSCARD_BENCH_DELIVERY"  # its own stream and subjects: tests may use the default ones
SUBJECT_PREFIX = "sscard.bench.delivery"
TARGET_RATE = 1000.0  # messages per second, sustained
TARGET_P99_MS = 1000.0
STALE_SECONDS = 15.0  # how long the backlog on a quiet period's statistics is watched
API_WARM = 200  # formal losses sent before the API rounds
API_CONNECTIONS = 32  # the API load's sockets at most
TICK = 0.005  # the SQL producer commits what is due every TICK seconds

ACCOUNT_REQUESTS = """
INSERT INTO outbox (message_id, topic, recipient, ordering_key, payload, created_at, status,
  next_attempt_at, attempts)
SELECT gen_random_uuid()::text, 'bank.account_requested', c.bank_code, 'card:' || c.id,
  json_build_object('card_id', c.id, 'card_number', c.card_number,
    'application_reference', a.reference, 'city_code', a.city_code),
  now(), 'pending', now(), 0
FROM cards c JOIN applications a ON a.id = c.application_id
ORDER BY c.id
"""

# The backlog: `messages` status changes on random cards (a few per card), in id order as a
# stream of changes would have written them.
STATUS_BACKLOG = """
INSERT INTO outbox (message_id, topic, recipient, ordering_key, payload, created_at, status,
  next_attempt_at, attempts)
SELECT gen_random_uuid()::text, 'bank.card_status_changed', c.bank_code, 'card:' || c.id,
  json_build_object('card_number', c.card_number, 'event', 'report_temporary_loss',
    'hr_status', 'temporarily_lost'),
  now(), 'pending', now(), 0
FROM (SELECT g, 1 + floor(random() * $2)::int AS card_id FROM generate_series(1, $1) g) pick
JOIN cards c ON c.id = pick.card_id
ORDER BY pick.g
"""


# ---- the processes ----


@dataclass
class Stack:
    """The simulator, the delivery worker and the API server, each its own process."""

    work: Path
    env: dict[str, str]
    sim_url: str
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "sscard", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"sscard {args[0]} failed: {done.stderr[-2000:]}")
        return done.stdout

    def spawn(
        self, name: str, *args: str, env: dict[str, str] | None = None, module: str = "sscard"
    ) -> int:
        with (self.work / f"{name}.log").open("ab") as log:
            self.procs[name] = subprocess.Popen(
                [sys.executable, "-m", module, *args],
                env=env or self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self.procs[name].pid

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)

    def link(self, transport: str) -> None:
        """Point every bank's endpoint at the simulator (or its broker subject)."""
        config = self.work / "bank-sim.json"
        self.cli("banks", "link-simulator", "--sim-url", self.sim_url, "--transport", transport)
        data = json.loads(config.read_text())
        data["send_reports"] = False
        config.write_text(json.dumps(data, indent=1))

    def start_sim(self) -> int:
        port = self.sim_url.rsplit(":", 1)[1]
        args = ["--config", str(self.work / "bank-sim.json"), "--port", port]
        args += ["--db", str(self.work / "sim.db"), "--log-level", "warning"]
        pid = self.spawn("sim", "serve", *args, module="bank_simulator")
        _healthy(self.sim_url)
        return pid

    def start_worker(self) -> int:
        return self.spawn("worker", "worker")

    def start_api(self, port: int) -> int:
        pid = self.spawn(
            "api",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            env={**self.env, "SSCARD_PORT": str(port)},
        )
        _healthy(f"http://127.0.0.1:{port}")
        return pid

    def close(self) -> None:
        for name in list(self.procs):
            self.stop(name)


def _healthy(base: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(base + "/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{base} did not start")


@contextmanager
def stack(url: str, work: Path, vault_key: str) -> Iterator[Stack]:
    settings = settings_for(url, work)
    env = {
        **os.environ,
        "SSCARD_DATABASE_URL": settings.database_url,
        "SSCARD_DATA_KEY": vault_key,
        "SSCARD_VAR_DIR": str(work),
        "SSCARD_ACCESS_LOG": "0",
        "SSCARD_LOG_LEVEL": "warning",
        "SSCARD_WORKER": "0",
        "SSCARD_NATS_STREAM": STREAM,
        "SSCARD_NATS_SUBJECT_PREFIX": SUBJECT_PREFIX,
    }
    s = Stack(work, env, f"http://127.0.0.1:{free_port()}")
    try:
        yield s
    finally:
        s.close()


# ---- setup ----


async def autovacuum(url: str) -> str:
    conn = await asyncpg.connect(pg_url(url))
    try:
        return str(await conn.fetchval("SHOW autovacuum"))
    finally:
        await conn.close()


async def no_reconciliation(url: str) -> None:
    conn = await asyncpg.connect(pg_url(url))
    try:
        await conn.execute("UPDATE delivery_endpoints SET statement_url = NULL")
    finally:
        await conn.close()


async def drop_stream(nats_url: str) -> None:
    import nats
    from nats.js.errors import NotFoundError

    nc = await nats.connect(nats_url, connect_timeout=5, max_reconnect_attempts=0)
    try:
        with suppress(NotFoundError):
            await nc.jetstream().delete_stream(STREAM)
    finally:
        await nc.close()


# ---- what a load left in the outbox ----


async def last_id(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM outbox"))


async def drained(
    conn: asyncpg.Connection, first: int, last: int, patience: float
) -> list[tuple[float, float]]:
    """Wait until every row in first..last is delivered; (created, delivered) epoch seconds."""
    deadline = time.monotonic() + patience
    while True:
        left = await conn.fetchval(
            "SELECT count(*) FROM outbox WHERE id BETWEEN $1 AND $2 AND status <> 'delivered'",
            first,
            last,
        )
        if left == 0:
            break
        if time.monotonic() > deadline:
            why = await conn.fetch(
                "SELECT recipient, paused_until, last_error FROM delivery_endpoints "
                "WHERE last_error IS NOT NULL"
            )
            failed = await conn.fetchval(
                "SELECT count(*) FROM outbox WHERE id BETWEEN $1 AND $2 AND status = 'failed'",
                first,
                last,
            )
            raise RuntimeError(
                f"{left} of {last - first + 1} messages undelivered after {patience:.0f} s "
                f"({failed} failed); endpoints: {[dict(r) for r in why]}"
            )
        await asyncio.sleep(0.2)
    rows = await conn.fetch(
        "SELECT extract(epoch FROM created_at)::float8, extract(epoch FROM delivered_at)::float8 "
        "FROM outbox WHERE id BETWEEN $1 AND $2",
        first,
        last,
    )
    return [(r[0], r[1]) for r in rows]


def sustained_rate(delivered: list[float]) -> float:
    """Messages per second over the middle 80 % of the deliveries: no start, no tail."""
    times = sorted(delivered)
    lo, hi = int(0.1 * len(times)), int(0.9 * len(times))
    span = times[hi] - times[lo]
    return (hi - lo) / span if span > 0 else float("inf")


def latencies_ms(rows: list[tuple[float, float]]) -> dict[str, float]:
    ms = sorted((d - c) * 1000 for c, d in rows)
    return {
        "p50_ms": _quantile(ms, 0.50),
        "p99_ms": _quantile(ms, 0.99),
        "max_ms": ms[-1] if ms else 0.0,
    }


# ---- CPU by process ----


class StackCpu(CpuMeter):
    """CPU seconds a load took per process tree (worker, simulator, API server), PostgreSQL's
    backends of sscard's database, this process (the producer), and the rest of the machine."""

    def __init__(self, roots: dict[str, int], database: str) -> None:
        super().__init__(0, database)
        self.roots = roots

    def __exit__(self, *_: object) -> None:
        wall = time.perf_counter() - self.t
        self._stop.set()
        self._thread.join()
        self._sample()
        total, idle = _machine_ticks()
        trees = {name: self._tree(pid) for name, pid in self.roots.items()}
        use = {name: 0.0 for name in [*self.roots, "postgres", "producer"]}
        for pid, (_name, _parent, ticks) in self.last.items():
            spent = (ticks - self.first[pid]) / TICKS
            owner = next((name for name, tree in trees.items() if pid in tree), None)
            if owner is not None:
                use[owner] += spent
            elif self._ours.get(pid):
                use["postgres"] += spent
            elif pid == os.getpid():
                use["producer"] += spent
        busy = (total - self.machine_before[0] - (idle - self.machine_before[1])) / TICKS
        use["other"] = max(0.0, busy - sum(use.values()))
        use["idle"] = (idle - self.machine_before[1]) / TICKS
        use["machine"] = (total - self.machine_before[0]) / TICKS
        use["wall"] = wall
        self.use = use

    def _tree(self, root: int) -> set[int]:
        tree, grown = {root}, True
        while grown:
            children = {pid for pid, row in self.last.items() if row[1] in tree}
            grown = not children <= tree
            tree |= children
        return tree


def cpu_per_message(use: dict[str, float], messages: int) -> dict[str, float]:
    """CPU ms per message per party, and the machine's idle share and others' share."""
    out = {
        f"{who}_ms": use[who] * 1000 / messages
        for who in use
        if who not in ("other", "idle", "machine", "wall")
    }
    out["idle_share"] = use["idle"] / use["machine"]
    out["other_share"] = use["other"] / use["machine"]
    return out


# ---- loads ----


async def backlog(
    url: str, work: Path, sql: str, *params: Any, roots: dict[str, int], patience: float
) -> dict[str, Any]:
    """Commit a backlog and time the running dispatcher draining it.

    The backlog and its statistics (ANALYZE inside the same transaction, which counts the
    transaction's own rows) become visible together: the planner knows what is pending.
    """
    conn = await asyncpg.connect(pg_url(url))
    rt = Runtime(settings_for(url, work))
    try:
        first = await last_id(conn) + 1
        with StackCpu(roots, make_url(url).database or "") as cpu:
            await write_backlog(conn, sql, *params)
            visible = time.time()
            claim_ms = await _claim_ms(rt)
            rows = await drained(conn, first, await last_id(conn), patience)
        history = await conn.fetchval(
            "SELECT count(*)::float8 / count(DISTINCT ordering_key) FROM outbox"
        )
        await quiet(conn)
    finally:
        await rt.dispose()
        await conn.close()
    delivered = [d for _, d in rows]
    return {
        "messages": len(rows),
        "rate": sustained_rate(delivered),
        "drain_s": max(delivered) - visible,
        "claim_ms": claim_ms,
        "per_card": history,
        "cpu": cpu_per_message(cpu.use, len(rows)),
    }


async def write_backlog(conn: asyncpg.Connection, sql: str, *params: Any) -> None:
    async with conn.transaction():
        await conn.execute(sql, *params)
        await conn.execute("ANALYZE outbox")


async def quiet(conn: asyncpg.Connection) -> None:
    """Vacuum and analyze with nothing pending: the statistics a quiet period leaves."""
    await conn.execute("VACUUM (ANALYZE) outbox")


async def stale_backlog(
    url: str, work: Path, messages: int, cards: int, seconds: float, patience: float
) -> dict[str, Any]:
    """The same backlog, planned with the statistics of a quiet period (the table last analyzed
    with nothing pending, as a busy outbox stays between autoanalyze runs): what the dispatcher
    delivers in `seconds`, and the claim query's time before and after an ANALYZE."""
    conn = await asyncpg.connect(pg_url(url))
    rt = Runtime(settings_for(url, work))
    try:
        await quiet(conn)
        first = await last_id(conn) + 1
        await conn.execute(STATUS_BACKLOG, messages, cards)
        started = time.perf_counter()
        watching = asyncio.Event()
        busiest = asyncio.create_task(_busiest_statements(url, watching))
        done = 0
        while done < messages and time.perf_counter() - started < seconds:
            await asyncio.sleep(0.2)
            done = await conn.fetchval(
                "SELECT count(*) FROM outbox WHERE id >= $1 AND status = 'delivered'", first
            )
        rate = done / (time.perf_counter() - started)
        watching.set()
        statements = await busiest
        stale_ms = await _claim_ms(rt)
        await conn.execute("ANALYZE outbox")
        current_ms = await _claim_ms(rt)
        await drained(conn, first, await last_id(conn), patience)
        await quiet(conn)
    finally:
        await rt.dispose()
        await conn.close()
    return {
        "messages": messages,
        "seconds": seconds,
        "rate": rate,
        "claim_ms_stale": stale_ms,
        "claim_ms_current": current_ms,
        "statements": statements,
    }


async def _busiest_statements(url: str, stop: asyncio.Event) -> list[tuple[str, float]]:
    """What sscard's database was running, sampled every 10 ms until `stop`: the three
    statements seen most often (their first words) and the share of samples each was seen in."""
    conn = await asyncpg.connect(pg_url(url))
    seen: dict[str, int] = defaultdict(int)
    samples = 0
    try:
        while not stop.is_set():
            rows = await conn.fetch(
                "SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 72) FROM pg_stat_activity "
                "WHERE datname = current_database() AND state = 'active' "
                "AND pid <> pg_backend_pid()"
            )
            samples += 1
            for (query,) in rows:
                seen[query] += 1
            await asyncio.sleep(0.01)
    finally:
        await conn.close()
    top = sorted(seen.items(), key=lambda kv: -kv[1])[:3]
    return [(query, n / max(samples, 1)) for query, n in top]


async def _claim_ms(rt: Runtime) -> float:
    """One claim query of the dispatcher's (read only; nothing is leased or sent)."""
    async with rt.unit(OPERATOR, readonly=True) as ctx:
        t = time.perf_counter()
        await outbox_repo.due_messages(ctx.conn, BANK, ctx.now, rt.settings.delivery_batch)
        return (time.perf_counter() - t) * 1000


async def sql_load(
    url: str, work: Path, cards: list[CardRef], rate: float, seconds: float
) -> float:
    """Status changes written by the service's own outbox code, `rate` a second, each on its own
    card, committed every TICK; the rate made."""
    rt = Runtime(settings_for(url, work))
    total = int(rate * seconds)
    if total > len(cards):
        raise ValueError(f"{total} changes need as many cards; there are {len(cards)}")
    try:
        made = 0
        start = time.perf_counter()
        while made < total:
            due = min(total, int((time.perf_counter() - start) * rate) + 1)
            if due > made:
                now = rt.clock.now()
                rows = [
                    card_status_changed(
                        card, CardEvent.REPORT_FORMAL_LOSS, HrStatus.FORMALLY_LOST, now
                    )
                    for card in cards[made:due]
                ]
                async with rt.engine.begin() as conn:
                    await enqueue_many(conn, rows)
                made = due
            await asyncio.sleep(TICK)
        return total / (time.perf_counter() - start)
    finally:
        await rt.dispose()


async def api_load(base: str, token: str, numbers: list[str], rate: float) -> tuple[float, int]:
    """Formal losses through the API, `rate` requests a second on fixed times (open loop), each
    on its own card; the rate made and the requests that failed.

    Plain HTTP/1.1 on kept-alive sockets rather than httpx: the load must cost the 2 cores it
    shares with the service little (httpx took more CPU per request than the API itself).
    """
    u = httpx.URL(base)
    host, port = u.host, u.port or 80
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    opened: list[asyncio.StreamWriter] = []
    gate = asyncio.Semaphore(API_CONNECTIONS)
    failed = 0

    async def one(number: str) -> None:
        nonlocal failed
        async with gate:
            if not idle:
                reader, writer = await asyncio.open_connection(host, port)
                opened.append(writer)
                idle.append((reader, writer))
            reader, writer = idle.pop()
            writer.write(
                f"POST /api/v1/cards/{number}/formal-loss HTTP/1.1\r\nHost: {host}\r\n"
                f"Authorization: Bearer {token}\r\nContent-Length: 0\r\n\r\n".encode()
            )
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            idle.append((reader, writer))
            failed += status != 200

    tasks = []
    start = time.perf_counter()
    for i, number in enumerate(numbers):
        wait = start + i / rate - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        tasks.append(asyncio.create_task(one(number)))
    took = time.perf_counter() - start
    await asyncio.gather(*tasks)
    for writer in opened:
        writer.close()
    return len(numbers) / took, failed


async def measured_load(
    url: str,
    produce: Callable[[], Awaitable[float]],
    roots: dict[str, int],
    patience: float,
) -> dict[str, Any]:
    """Run a producer (it answers the rate it made) while the dispatcher delivers; latencies
    once every message it caused is in."""
    conn = await asyncpg.connect(pg_url(url))
    try:
        with StackCpu(roots, make_url(url).database or "") as cpu:
            first = await last_id(conn) + 1
            made = await produce()
            rows = await drained(conn, first, await last_id(conn), patience)
    finally:
        await conn.close()
    return {
        "messages": len(rows),
        "made_rate": made,
        **latencies_ms(rows),
        "cpu": cpu_per_message(cpu.use, len(rows)),
    }


# ---- where a round's time goes: the dispatcher in this process, instrumented ----


async def splits(url: str, work: Path, messages: int) -> dict[str, Any]:
    """Drain a backlog with dispatch_once in this process, timing each step of every round."""
    rt = Runtime(settings_for(url, work))
    spent: dict[str, float] = defaultdict(float)

    def timed(name: str, fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return await fn(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - t

        return wrapper

    # (module, function): the dispatcher calls the repository's queries and its enricher by
    # module attribute, so replacing the attribute times every call.
    steps = {
        (outbox_repo, "open_with_work"): "look for due work (read)",
        (outbox_repo, "take_leases"): "lease the endpoint (write)",
        (outbox_repo, "due_messages"): "claim query: the due messages",
        (dispatcher, "enrich"): "enrichment",
        (outbox_repo, "record_outcomes"): "record the outcomes (update)",
    }
    originals = {where: getattr(*where) for where in steps}
    senders = dispatcher.Senders(rt.settings)
    sender = senders.get(dispatcher.Transport.HTTP)
    original_send = sender.send
    conn = await asyncpg.connect(pg_url(url))
    try:
        for (module, name), label in steps.items():
            setattr(module, name, timed(label, originals[module, name]))
        sender.send = timed("HTTP round trip (the bank applies inside)", original_send)
        owner = "bench-splits"
        cards = await conn.fetchval("SELECT max(id) FROM cards")

        async def drain() -> int:
            rounds = 0
            while (await dispatcher.dispatch_once(rt, owner, senders)).total("sent"):
                rounds += 1
            return rounds

        await write_backlog(conn, STATUS_BACKLOG, 400, cards)
        await drain()  # warm: pools, statement caches, the HTTP connection
        spent.clear()
        await write_backlog(conn, STATUS_BACKLOG, messages, cards)
        wall, cpu = time.perf_counter(), time.process_time()
        rounds = await drain()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        steps_ms = {label: seconds * 1000 / rounds for label, seconds in spent.items()}
        # Again under cProfile: this process's own CPU by package.
        await write_backlog(conn, STATUS_BACKLOG, messages // 2, cards)
        profiler = cProfile.Profile()
        profiler.enable()
        await drain()
        profiler.disable()
        await dispatcher.release_leases(rt, owner)
    finally:
        for (module, name), fn in originals.items():
            setattr(module, name, fn)
        await senders.close()
        await conn.close()
        await rt.dispose()
    by_package: dict[str, float] = defaultdict(float)
    raw = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    for (path, _, function), (_, _, own, _, _) in raw.items():
        if "poll" in function:
            continue  # waiting: for PostgreSQL, for the bank
        by_package[_package(path)] += own
    total_own = sum(by_package.values()) or 1.0
    steps_ms["transactions (begin, commit) and the rest"] = wall * 1000 / rounds - sum(
        steps_ms.values()
    )
    return {
        "messages": messages,
        "rounds": rounds,
        "rate": messages / wall,
        "round_ms": wall * 1000 / rounds,
        "cpu_ms_per_message": cpu * 1000 / messages,
        "steps_ms": steps_ms,
        "packages": {
            k: v / total_own for k, v in sorted(by_package.items(), key=lambda kv: -kv[1])[:8]
        },
    }


# ---- the run ----


@dataclass
class Bench:
    """One delivery run: the stack, the cards, and what each part measured."""

    url: str
    work: Path
    stack: Stack
    args: argparse.Namespace
    token: str
    roots: dict[str, int] = field(default_factory=dict)
    backlogs: list[dict[str, Any]] = field(default_factory=list)
    loads: list[dict[str, Any]] = field(default_factory=list)

    @property
    def patience(self) -> float:
        """How long a backlog may take to drain before the run gives up."""
        return max(120.0, self.args.delivery_backlog / 100)

    @property
    def rates(self) -> list[float]:
        return [float(r) for r in self.args.delivery_rates.split(",")]

    def per_round(self, rate: float) -> int:
        return int(rate * self.args.delivery_seconds)

    @property
    def api_cards(self) -> list[str]:
        """The last cards, kept for the API load (warm-up first): each takes one formal loss."""
        n = self.args.delivery_cards
        first = n - API_WARM - self.per_round(self.rates[0]) * self.args.delivery_rounds + 1
        return [f"A{i:08d}" for i in range(first, n + 1)]

    def sql_cards(self, count: int, rng: random.Random) -> list[CardRef]:
        """`count` different cards, at random, among those the API load does not use."""
        last = self.args.delivery_cards - len(self.api_cards)
        ids = rng.sample(range(1, last + 1), count)
        return [CardRef(i, f"A{i:08d}", 0, BANK, "3204") for i in ids]

    def backlog_rounds(self, transport: str, rounds: int) -> None:
        runs = []
        for r in range(rounds):
            runs.append(
                asyncio.run(
                    backlog(
                        self.url,
                        self.work,
                        STATUS_BACKLOG,
                        self.args.delivery_backlog,
                        self.args.delivery_cards,
                        roots=self.roots,
                        patience=self.patience,
                    )
                )
            )
            _say(f"{transport} backlog, round {r + 1}/{rounds}: {runs[-1]['rate']:,.0f}/s")
        self.backlogs.append({"load": "status changes", "transport": transport, "runs": runs})

    def stale_round(self) -> dict[str, Any]:
        stale = asyncio.run(
            stale_backlog(
                self.url,
                self.work,
                self.args.delivery_backlog,
                self.args.delivery_cards,
                STALE_SECONDS,
                self.patience,
            )
        )
        _say(
            f"backlog on a quiet period's statistics: {stale['rate']:,.0f}/s; claim query "
            f"{stale['claim_ms_stale']:,.0f} ms, {stale['claim_ms_current']:,.0f} ms analyzed"
        )
        return stale

    def api_rounds(self) -> None:
        rate, rounds = self.rates[0], self.args.delivery_rounds
        port = free_port()
        roots = {**self.roots, "api": self.stack.start_api(port)}
        base = f"http://127.0.0.1:{port}"
        warm, cards, size = (
            self.api_cards[:API_WARM],
            self.api_cards[API_WARM:],
            self.per_round(rate),
        )
        runs = []
        try:
            asyncio.run(api_load(base, self.token, warm, rate))  # pools, plans, the token cache
            for r in range(rounds):
                block = cards[r * size : (r + 1) * size]
                produce = self._through_api(base, block, rate)
                runs.append(asyncio.run(measured_load(self.url, produce, roots, self.patience)))
                _say(
                    f"API at {rate:.0f}/s, round {r + 1}/{rounds}: p99 {runs[-1]['p99_ms']:.0f} ms"
                )
        finally:
            self.stack.stop("api")
        self.loads.append(
            {"producer": "API: formal loss", "transport": "http", "rate": rate, "runs": runs}
        )

    def _through_api(
        self, base: str, numbers: list[str], rate: float
    ) -> Callable[[], Awaitable[float]]:
        async def produce() -> float:
            made, failed = await api_load(base, self.token, numbers, rate)
            if failed:
                raise RuntimeError(f"{failed} of {len(numbers)} API requests failed")
            return made

        return produce

    def sql_rounds(self, transport: str, rates: list[float], rng: random.Random) -> None:
        seconds, rounds = self.args.delivery_seconds, self.args.delivery_rounds
        for rate in rates:
            runs = []
            for r in range(rounds):
                cards = self.sql_cards(self.per_round(rate), rng)

                def produce(cards: list[CardRef] = cards, rate: float = rate) -> Awaitable[float]:
                    return sql_load(self.url, self.work, cards, rate, seconds)

                runs.append(
                    asyncio.run(measured_load(self.url, produce, self.roots, self.patience))
                )
                _say(
                    f"{transport} outbox rows at {rate:.0f}/s, round {r + 1}/{rounds}: "
                    f"p99 {runs[-1]['p99_ms']:.0f} ms"
                )
            self.loads.append(
                {
                    "producer": "outbox rows (SQL)",
                    "transport": transport,
                    "rate": rate,
                    "runs": runs,
                }
            )


def _pid_of(name: str) -> int | None:
    """The process id of a running program, by its name in /proc."""
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == name:
                return int(entry.name)
        except OSError:
            continue
    return None


def _say(text: str) -> None:
    print(f"[delivery] {text}", flush=True)


def run(url: str, vault_key: str, args: argparse.Namespace) -> dict[str, Any]:
    """Set up; account requests; backlog rounds; steady loads; the same on NATS; the split."""
    url = delivery_url(url)
    commit, dirty = head_commit(), _uncommitted()  # the code the processes started below will run
    work = OUT / "delivery"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    # Persons 1..N, each with a collected, active ICBC card of Nanjing, and a clerk of OUTLET.
    setup = asyncio.run(prepare(url, work, vault_key, args.delivery_cards))
    _say(f"{args.delivery_cards} persons and cards in {setup['generated_s']:.0f}s")
    settings = settings_for(url, work)
    rng = random.Random(5)
    with stack(url, work, vault_key) as s:
        bench = Bench(url, work, s, args, setup["token"])
        s.link("http")
        asyncio.run(no_reconciliation(url))
        bench.roots = {"worker": s.start_worker(), "sim": s.start_sim()}
        accounts = asyncio.run(
            backlog(url, work, ACCOUNT_REQUESTS, roots=bench.roots, patience=bench.patience)
        )
        bench.backlogs.append(
            {"load": "account requests (enriched)", "transport": "http", "runs": [accounts]}
        )
        _say(f"{accounts['messages']} account requests: {accounts['rate']:,.0f}/s")
        bench.backlog_rounds("http", args.delivery_rounds)
        stale = bench.stale_round()
        bench.api_rounds()
        bench.sql_rounds("http", bench.rates, rng)
        # NATS JetStream: delivered_at is the broker's answer (stored), not a bank's. The
        # simulated banks do not read their queues meanwhile: the machine only publishes.
        asyncio.run(drop_stream(settings.nats_url))
        s.link("nats")
        asyncio.run(no_reconciliation(url))
        broker = _pid_of("nats-server")
        if broker is not None:  # its CPU is the transport's, not another tenant's
            bench.roots = {**bench.roots, "broker": broker}
        try:
            bench.backlog_rounds("nats", args.delivery_rounds)
            bench.sql_rounds("nats", bench.rates[-1:], rng)
        finally:
            s.link("http")
            asyncio.run(no_reconciliation(url))
            asyncio.run(drop_stream(settings.nats_url))
        s.stop("worker")
        split = asyncio.run(splits(url, work, args.delivery_split_messages))
        _say(f"in-process split: {split['rate']:,.0f}/s, {split['round_ms']:.1f} ms a round")
    return {
        "measured_at": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
        "cards": args.delivery_cards,
        "backlog": args.delivery_backlog,
        "rounds": args.delivery_rounds,
        "seconds": args.delivery_seconds,
        "rates": bench.rates,
        "batch": settings.delivery_batch,
        "poll_seconds": settings.delivery_poll_seconds,
        "machine": machine_line(),
        "autovacuum": asyncio.run(autovacuum(url)),
        "commit": commit,
        "uncommitted": dirty,
        "backlogs": bench.backlogs,
        "loads": bench.loads,
        "stale": stale,
        "splits": split,
    }


def delivery_url(url: str) -> str:
    u = make_url(url)
    return u.set(database=f"{u.database}_delivery").render_as_string(hide_password=False)


def _uncommitted() -> list[str]:
    done = subprocess.run(
        ["git", "-C", str(OUT.parent), "status", "--porcelain", "--", "src"],
        capture_output=True,
        text=True,
    )
    return [line[3:] for line in done.stdout.splitlines()]


# ---- report ----


def _med(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _cpu(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r["cpu"].get(key, 0.0) for r in runs)


def report_section(data: dict[str, Any]) -> list[str]:
    dirty = data.get("uncommitted") or []
    code = f"code at commit {data['commit']}" + (
        f" with uncommitted changes in {', '.join(dirty)}" if dirty else ""
    )
    lines = [
        "## Delivery to banks (issue 4)",
        "",
        f"Measured {data['measured_at']} UTC with `python -m benchmarks.run --only delivery "
        f"--delivery-cards {data['cards']} --delivery-backlog {data['backlog']} "
        f"--delivery-rounds {data['rounds']} --delivery-seconds {data['seconds']} "
        f"--delivery-rates {','.join(f'{r:.0f}' for r in data['rates'])}` on PostgreSQL, "
        f"{code}.",
        "",
        f"Machine: {data['machine']}; PostgreSQL autovacuum {data['autovacuum']}.",
        "",
        "Every part is its own process on the same 2 cores, as in production: sscard's "
        f"database on PostgreSQL, set up fresh, with {data['cards']:,} persons each holding a "
        f"collected, active {BANK} card of Nanjing (generated set-based); `sscard worker`, "
        f"whose dispatcher delivers with the default batch ({data['batch']} messages) and poll "
        f"({data['poll_seconds'] * 1000:.0f} ms); the bank simulator on its own SQLite file, "
        "linked with `sscard banks link-simulator`, which applies each batch in one transaction "
        "and "
        "answers over HTTP; for the API load, `sscard serve --workers 2` with SSCARD_WORKER=0. "
        "The simulator's reports back to sscard are off (`send_reports: false`) and the daily "
        "reconciliation cannot fire (statement addresses cleared): the machine only delivers. "
        f"Every message goes to one bank, {BANK}: one lane with one batch in flight, the "
        "slowest case (the dispatcher serves several banks at once).",
        "",
    ]
    lines += _throughput(data)
    lines += _latency(data)
    lines += _verdict(data)
    lines += _splits(data)
    return lines


def _throughput(data: dict[str, Any]) -> list[str]:
    lines = [
        "**Throughput.** A backlog committed while the dispatcher idles, drained to the last "
        "message. Sustained rate: messages between the 10th and the 90th percentile of their "
        "delivered_at, over that time (no start, no tail); drain: from the commit to the last "
        "delivery. First the account requests of every card (`bank.account_requested`, each "
        "enriched at delivery with the holder's decrypted data; once), then "
        f"{data['rounds']} rounds of {data['backlog']:,} status changes on random cards "
        "(`bank.card_status_changed`, 1 to a few per card; a card's messages go one at a time, "
        "in order). The backlog's rows and a fresh ANALYZE become visible in one commit, so the "
        "planner knows what is pending. Claim query: one run of the dispatcher's query for the "
        "due messages as the backlog appears. CPU: milliseconds per message from /proc, per "
        "process (medians over the rounds); machine idle and others: shares of the machine's "
        "time idle and taken by processes outside the benchmark.",
        "",
        "| messages | transport | per backlog | sustained /s (median) | rounds /s | drain s | "
        "claim query ms | messages per card so far | worker ms | simulator (http) or broker "
        "(nats) ms | "
        "PostgreSQL ms | machine idle | others |",
        "|---|---|---:|---:|---|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for b in data["backlogs"]:
        runs = b["runs"]
        stored = b["transport"] == "nats"
        label = b["load"] + (" (broker stored)" if stored else "")
        spread = ", ".join(f"{r['rate']:,.0f}" for r in runs)
        history = ", ".join(f"{r['per_card']:.1f}" for r in runs)
        claims = ", ".join(f"{r['claim_ms']:.1f}" for r in runs)
        bank_side = _cpu(runs, "broker_ms" if stored else "sim_ms")
        lines.append(
            f"| {label} | {b['transport']} | {runs[0]['messages']:,} | "
            f"{_med(runs, 'rate'):,.0f} | {spread} | {_med(runs, 'drain_s'):.1f} | "
            f"{claims} | {history} | {_cpu(runs, 'worker_ms'):.2f} | "
            f"{bank_side:.2f} | {_cpu(runs, 'postgres_ms'):.2f} | {_cpu(runs, 'idle_share'):.0%} | "
            f"{_cpu(runs, 'other_share'):.0%} |"
        )
    http = next(b["runs"] for b in data["backlogs"] if b["load"] == "status changes")
    first, last = http[0], http[-1]
    lines += [
        "",
        f"Over the HTTP rounds the cards' histories grew ({first['per_card']:.1f} → "
        f"{last['per_card']:.1f} messages per card), the rate went from {first['rate']:,.0f} to "
        f"{last['rate']:,.0f}/s, the claim query from {first['claim_ms']:.1f} to "
        f"{last['claim_ms']:.1f} ms and PostgreSQL's CPU per message from "
        f"{first['cpu']['postgres_ms']:.2f} to {last['cpu']['postgres_ms']:.2f} ms. Columns "
        "with one figure per round list the rounds in order.",
    ]
    stale = data["stale"]
    lines += [
        "",
        "**The same backlog after a quiet period.** An outbox is normally drained, so its "
        "statistics say that nothing is pending; autoanalyze (where it is on) refreshes them "
        "only after a tenth of the table has changed, which a backlog smaller than a tenth of "
        "the outbox does not reach. Here the "
        "table is vacuumed and analyzed with nothing pending, then "
        f"{stale['messages']:,} status changes are committed without an ANALYZE and the "
        f"dispatcher is watched for up to {stale['seconds']:.0f} s: it delivered "
        f"**{stale['rate']:,.0f} messages/s**. One claim query took "
        f"{stale['claim_ms_stale']:,.1f} ms on those statistics and "
        f"{stale['claim_ms_current']:,.1f} ms after an ANALYZE. Meanwhile PostgreSQL was "
        "running, in this share of 10 ms samples: "
        + "; ".join(f"`{q}…` {share:.0%}" for q, share in stale.get("statements", []))
        + ".",
        "",
    ]
    return lines


def _latency(data: dict[str, Any]) -> list[str]:
    rates = ", ".join(f"{r:,.0f}" for r in data["rates"])
    lines = [
        "**Latency.** Changes made at a steady rate (open loop: on fixed times whatever the "
        f"answers), each on its own card, for {data['seconds']} s, {data['rounds']} rounds "
        "each, while the dispatcher runs. A message's latency is delivered_at − created_at: "
        "created_at is the moment of the change (its unit of work's clock), delivered_at is "
        "written once the bank's answer is in (on NATS: once the broker has stored it; the "
        "simulated banks do not read the broker meanwhile). Through the API: a clerk of "
        f"{OUTLET} takes formal losses (`POST /api/v1/cards/{{n}}/formal-loss`), the whole "
        "path of issue 3, sent by the benchmark's process on up to "
        f"{API_CONNECTIONS} kept-alive HTTP/1.1 sockets. Outbox rows: the service's own "
        "`card_status_changed` rows (banks/messages.py) written by the "
        "benchmark's process through sscard's outbox code, committed every "
        f"{TICK * 1000:.0f} ms, for rates the API does not reach on this machine beside the "
        f"rest. Rates asked: {rates}/s. p50 and p99: medians over the rounds; max: the "
        "largest of any round.",
        "",
        "| producer | transport | asked /s | made /s | messages per round | p50 ms | p99 ms | "
        "max ms | worker ms | PostgreSQL ms | machine idle | others |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for load in data["loads"]:
        runs = load["runs"]
        label = load["producer"] + (" — broker stored" if load["transport"] == "nats" else "")
        lines.append(
            f"| {label} | {load['transport']} | {load['rate']:,.0f} | "
            f"{_med(runs, 'made_rate'):,.0f} | {runs[0]['messages']:,} | "
            f"{_med(runs, 'p50_ms'):.0f} | {_med(runs, 'p99_ms'):.0f} | "
            f"{max(r['max_ms'] for r in runs):.0f} | {_cpu(runs, 'worker_ms'):.2f} | "
            f"{_cpu(runs, 'postgres_ms'):.2f} | {_cpu(runs, 'idle_share'):.0%} | "
            f"{_cpu(runs, 'other_share'):.0%} |"
        )
    lines.append("")
    return lines


def _verdict(data: dict[str, Any]) -> list[str]:
    status = next(
        b for b in data["backlogs"] if b["transport"] == "http" and b["load"] == "status changes"
    )
    rate = _med(status["runs"], "rate")
    stale = data["stale"]["rate"]
    p99 = max(_med(load["runs"], "p99_ms") for load in data["loads"] if load["transport"] == "http")
    return [
        f"Targets (issue 4): ≥ {TARGET_RATE:,.0f} events/s delivered to the bank, sustained; "
        f"p99 from the state change to the bank's acknowledgment ≤ {TARGET_P99_MS / 1000:.0f} s.",
        "",
        f"Verdict: throughput {'met' if rate >= TARGET_RATE else 'NOT met'} with statistics "
        f"that know the backlog ({rate:,.0f} status changes/s acknowledged by the bank, median "
        f"of {len(status['runs'])} rounds) and {'met' if stale >= TARGET_RATE else 'NOT met'} "
        f"after a quiet period ({stale:,.0f}/s); latency "
        f"{'met' if p99 <= TARGET_P99_MS else 'NOT met'}: the worst median p99 of the HTTP "
        f"loads is {p99:,.0f} ms.",
        "",
    ]


def _splits(data: dict[str, Any]) -> list[str]:
    split = data["splits"]
    per_round = split["messages"] / split["rounds"]
    status = next(
        b for b in data["backlogs"] if b["transport"] == "http" and b["load"] == "status changes"
    )
    sim_ms = _cpu(status["runs"], "sim_ms") * per_round
    idle = _cpu(status["runs"], "idle_share")
    lines = [
        "**What sets the rate.** During the backlogs the machine was about "
        f"{idle:.0%} idle: the rate is not CPU-bound but set by the round, done one after "
        "another for a bank. With the worker stopped, the benchmark's own process drains "
        f"{split['messages']:,} status changes with `dispatch_once` (the worker's round), "
        f"timing each step: {split['rounds']} rounds of {per_round:.0f} messages, "
        f"{split['rate']:,.0f} messages/s, {split['cpu_ms_per_message']:.2f} ms of the "
        "dispatcher's CPU per message.",
        "",
        "| step | ms per round | share |",
        "|---|---:|---:|",
    ]
    total = split["round_ms"]
    for step, ms in split["steps_ms"].items():
        lines.append(f"| {step} | {ms:.2f} | {ms / total:.0%} |")
    lines += [
        f"| whole round | {total:.2f} | 100% |",
        "",
        "In the HTTP round trip the simulated bank spends about "
        f"{sim_ms:.0f} ms of its own CPU per round ({_cpu(status['runs'], 'sim_ms'):.2f} ms a "
        "message in the backlogs above): the bank's side is the largest part of a round. The "
        "dispatcher's own CPU under cProfile, by package (waits left out): "
        + ", ".join(f"{k} {v:.0%}" for k, v in split["packages"].items())
        + ".",
        "",
    ]
    return lines
