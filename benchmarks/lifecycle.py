"""Card lifecycle changes per second through the API, beside pgbench on the same SQL (issue 3).

Cards 1..N are collected, active ICBC cards of Nanjing. A clerk of ICBC outlet 3201-BANK-001
takes a formal loss of a card (LOSS-2: an outlet of the card's bank) and unlocks it (LOSS-3:
Nanjing lets any outlet of the same bank unlock), card after card; each request is one change.
wrk drives `sscard serve`, one thread per connection so that every client owns its own cards.
pgbench runs the SQL of one change (one update of the card by key and one history row, in a
transaction) on the same database at the same client counts, right after each API run, so each
ratio compares two measurements taken moments apart. A third load, the API's own statements sent
by asyncpg from one Python process, splits the gap between the SQL and the full API path.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from benchmarks.generate import fill_cards_postgres, fill_postgres
from benchmarks.run import (
    OUT,
    commit,
    fresh_postgres,
    machine_line,
    serving,
    settings_for,
    workers_for,
    wrk,
)
from sscard.actors import service as actors
from sscard.kernel.actor import OPERATOR, Role
from sscard.kernel.crypto import Vault
from sscard.kernel.runtime import Runtime
from sscard.setup import set_up
from sscard.wiring import wire

OUTLET = "3201-BANK-001"  # ICBC, Nanjing
CLIENTS = (1, 4, 16)
TARGET = 0.30  # API changes per second / pgbench transactions per second, at 16 clients

# One lifecycle change as plain SQL: the card's update by key and its history row.
PGBENCH_SCRIPT = """\
\\set id random(1, :cards)
BEGIN;
UPDATE cards SET hr_status = 'formally_lost', version = version + 1, updated_at = now()
  WHERE id = :id;
INSERT INTO history (entity, entity_id, event, from_state, to_state, actor_id, role, channel,
  outlet_id, at)
  VALUES ('card', :id, 'report_formal_loss', 'active', 'formally_lost', :actor, 'outlet_clerk',
  'bank_outlet', :outlet, now());
END;
"""

# Every card back to active, as the loads found it, so each load starts from the same state.
RESET = """
UPDATE cards SET hr_status = 'active', financial_status = 'active', financial_before_loss = NULL,
  loss_reported_at = NULL, loss_until = NULL, loss_channel = NULL, loss_outlet_id = NULL
WHERE hr_status <> 'active' OR financial_status <> 'active'
"""


def pg_url(url: str) -> str:
    return url.replace("postgresql+asyncpg", "postgresql")


# ---- setup ----


async def prepare(url: str, var: Path, vault_key: str, cards: int) -> dict[str, Any]:
    """A fresh database: schema, reference data, persons 1..cards with a card each, the clerk."""
    await fresh_postgres(url)
    settings = settings_for(url, var)
    rt = Runtime(settings)
    try:
        await set_up(rt)
        async with rt.unit(OPERATOR) as ctx:
            actor_id, token = await actors.create_actor(
                ctx, actors.NewActor(Role.OUTLET_CLERK, "lifecycle clerk", outlet_code=OUTLET)
            )
    finally:
        await rt.dispose()
    t = time.perf_counter()
    await fill_postgres(pg_url(url), Vault(bytes.fromhex(vault_key)), 0, cards)
    await fill_cards_postgres(pg_url(url), cards, outlet_code=OUTLET)
    conn = await asyncpg.connect(pg_url(url))
    try:
        outlet_id = await conn.fetchval("SELECT id FROM outlets WHERE code = $1", OUTLET)
    finally:
        await conn.close()
    return {
        "token": token,
        "actor_id": actor_id,
        "outlet_id": outlet_id,
        "generated_s": time.perf_counter() - t,
    }


async def reset(url: str) -> None:
    conn = await asyncpg.connect(pg_url(url))
    try:
        await conn.execute(RESET)
        # Vacuum now rather than have autovacuum wake during the next load.
        await conn.execute("VACUUM (ANALYZE) cards, history, outbox")
    finally:
        await conn.close()


# ---- the three loads ----


def api_load(base: str, token: str, clients: int, seconds: int, cards: int) -> dict[str, Any]:
    env = {"TOKEN": token, "CARDS": str(cards)}
    r = wrk(base, "lifecycle.lua", clients, seconds, env, threads=clients)
    requests = int(_search(r"(\d+) requests in", r["raw"]))
    took = _seconds(_search(r"requests in ([\d.]+\w+),", r["raw"]))
    return {
        "rate": (requests - r["errors"]) / took,  # changes made, not answers received
        "p50_ms": r["p50_ms"],
        "p99_ms": r["p99_ms"],
        "errors": r["errors"],
        "raw": r["raw"],
    }


def pgbench_load(
    url: str, setup: dict[str, Any], clients: int, seconds: int, cards: int
) -> dict[str, Any]:
    work = OUT / "lifecycle"
    script = work / "change.sql"
    script.write_text(PGBENCH_SCRIPT)
    for old in work.glob("pgbench_log*"):
        old.unlink()
    u = make_url(url)
    command = [
        "pgbench", "-n", "-c", str(clients), "-j", str(min(2, clients)), "-T", str(seconds),
        "-f", str(script), "-D", f"cards={cards}", "-D", f"actor={setup['actor_id']}",
        "-D", f"outlet={setup['outlet_id']}", "-l", f"--log-prefix={work / 'pgbench_log'}",
        "-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres",
        u.database or "",
    ]  # fmt: skip
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
    )
    # Per-transaction log lines: client, transaction, latency in microseconds, ...
    latencies = sorted(
        int(line.split()[2]) / 1000
        for log in work.glob("pgbench_log*")
        for line in log.read_text().splitlines()
    )
    failed = _search(r"number of failed transactions: (\d+)", done.stdout, default="0")
    return {
        "rate": float(_search(r"tps = ([\d.]+)", done.stdout)),
        "p50_ms": _quantile(latencies, 0.50),
        "p99_ms": _quantile(latencies, 0.99),
        "errors": int(failed),
        "raw": done.stdout,
    }


# The statements the API sends for one formal loss or unlock, in the order it sends them.
API_STATEMENTS = [
    "SELECT * FROM cards WHERE card_number = $1",
    "SELECT * FROM outlets WHERE id = $1",
    "UPDATE cards SET version = $2, updated_at = now(), hr_status = $3 WHERE id = $1 "
    "AND version = $2 - 1",
    "INSERT INTO history (entity, entity_id, event, from_state, to_state, actor_id, role, "
    "channel, outlet_id, at) VALUES ('card', $1, $2, $3, $4, $5, 'outlet_clerk', "
    "'bank_outlet', $6, now())",
    "INSERT INTO outbox (message_id, topic, recipient, ordering_key, payload, created_at, "
    "status, next_attempt_at, attempts) VALUES (gen_random_uuid()::text, "
    "'bank.card_status_changed', 'ICBC', $1, $2, now(), 'pending', now(), 0)",
]


async def api_sql_change(
    conn: asyncpg.Connection, setup: dict[str, Any], number: str, lose: bool
) -> None:
    """One formal loss (or unlock) as the API's statements, in one transaction."""
    card_sql, outlet_sql, update_sql, history_sql, outbox_sql = API_STATEMENTS
    before, after = ("active", "formally_lost") if lose else ("formally_lost", "active")
    async with conn.transaction():
        card = await conn.fetchrow(card_sql, number)
        await conn.fetchrow(outlet_sql, setup["outlet_id"])
        await conn.execute(update_sql, card["id"], card["version"] + 1, after)
        event = "report_formal_loss" if lose else "unlock"
        await conn.execute(
            history_sql, card["id"], event, before, after, setup["actor_id"], setup["outlet_id"]
        )
        await conn.execute(outbox_sql, f"card:{card['id']}", f'{{"card_number": "{number}"}}')


async def asyncpg_load(
    url: str, setup: dict[str, Any], clients: int, seconds: int, cards: int
) -> dict[str, Any]:
    """The API's round trips without the API: each client owns its cards, as the wrk clients do."""
    per = cards // clients
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    async def client(index: int) -> int:
        conn = await asyncpg.connect(pg_url(url))
        done = 0
        try:
            while time.perf_counter() < stop:
                number = f"A{index * per + (done // 2) % per + 1:08d}"
                t = time.perf_counter()
                await api_sql_change(conn, setup, number, lose=done % 2 == 0)
                latencies.append((time.perf_counter() - t) * 1000)
                done += 1
        finally:
            await conn.close()
        return done

    started = time.perf_counter()
    counts = await asyncio.gather(*(client(i) for i in range(clients)))
    took = time.perf_counter() - started
    latencies.sort()
    return {
        "rate": sum(counts) / took,
        "p50_ms": _quantile(latencies, 0.50),
        "p99_ms": _quantile(latencies, 0.99),
        "errors": 0,
    }


# ---- whose CPU a load takes ----

TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[str, int, int]]:
    """Every process: name, parent, and its own CPU ticks so far."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        found[int(entry.name)] = (raw[raw.index("(") + 1 : raw.rindex(")")], int(fields[1]), ticks)
    return found


def _machine_ticks() -> tuple[int, int]:
    """All CPU ticks of the machine so far, and the idle ones among them."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values[:8]), values[3] + values[4]


class CpuMeter:
    """CPU seconds a load took, by whom: the server, PostgreSQL serving this database, the load's
    client (wrk, pgbench or this process), and the rest of the machine.

    /proc is read every SAMPLE seconds so that processes ending within the load (pgbench's
    connections) count up to their last reading.
    """

    SAMPLE = 0.2

    def __init__(self, server_pid: int, database: str) -> None:
        self.server_pid, self.database = server_pid, database
        self.first: dict[int, int] = {}
        self.last: dict[int, tuple[str, int, int]] = {}
        self._ours: dict[int, bool] = {}
        self._stop = threading.Event()

    def _sample(self, *, initial: bool = False) -> None:
        for pid, (name, parent, ticks) in _processes().items():
            if pid not in self.first:
                self.first[pid] = ticks if initial else 0
                if name == "postgres":
                    self._ours[pid] = self._serves_us(pid)
            self.last[pid] = (name, parent, ticks)

    def _run(self) -> None:
        while not self._stop.wait(self.SAMPLE):
            self._sample()

    def __enter__(self) -> CpuMeter:
        self._sample(initial=True)
        self.machine_before = _machine_ticks()
        self.t = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        wall = time.perf_counter() - self.t
        self._stop.set()
        self._thread.join()
        self._sample()
        total, idle = _machine_ticks()
        server, grown = {self.server_pid}, True
        while grown:
            children = {pid for pid, row in self.last.items() if row[1] in server}
            grown = not children <= server
            server |= children
        use = {"server": 0.0, "postgres": 0.0, "client": 0.0}
        for pid, (_name, parent, ticks) in self.last.items():
            spent = (ticks - self.first[pid]) / TICKS
            if pid in server:
                use["server"] += spent
            elif self._ours.get(pid):
                use["postgres"] += spent
            elif pid == os.getpid() or parent == os.getpid():
                use["client"] += spent
        busy = (total - self.machine_before[0] - (idle - self.machine_before[1])) / TICKS
        use["other"] = max(0.0, busy - sum(use.values()))
        use["idle"] = (idle - self.machine_before[1]) / TICKS
        use["machine"] = (total - self.machine_before[0]) / TICKS
        use["wall"] = wall
        self.use = use

    def _serves_us(self, pid: int) -> bool:
        """A backend's title names its database: `postgres: user database host(port) state`."""
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return False
        # Autovacuum follows all the loads' writes; it is nobody's cost per change.
        return f" {self.database} " in title and "autovacuum" not in title


# ---- the run ----


def run(url: str, vault_key: str, args: argparse.Namespace) -> dict[str, Any]:
    """Set up, then rounds of API / pgbench / asyncpg loads at each client count; medians."""
    work = OUT / "lifecycle"
    work.mkdir(parents=True, exist_ok=True)
    setup = asyncio.run(prepare(url, work, vault_key, args.cards))
    print(f"[lifecycle] {args.cards} persons and cards in {setup['generated_s']:.0f}s", flush=True)
    seconds, rounds = args.lifecycle_seconds, args.lifecycle_rounds
    samples: dict[str, dict[int, list[dict[str, Any]]]] = {
        load: {n: [] for n in CLIENTS} for load in ("api", "pgbench", "asyncpg")
    }
    settings = settings_for(url, work)
    database = make_url(url).database or ""
    with serving(settings, workers=workers_for(settings)) as (base, server_pid):
        asyncio.run(reset(url))
        api_load(base, setup["token"], 4, 3, args.cards)  # warm: pools, token cache, plans
        for r in range(rounds):
            for n in CLIENTS:
                asyncio.run(reset(url))
                with CpuMeter(server_pid, database) as cpu:
                    api = api_load(base, setup["token"], n, seconds, args.cards)
                api["cpu"] = cpu.use
                (work / f"wrk-{n}-{r}.txt").write_text(api.pop("raw"))
                asyncio.run(reset(url))
                with CpuMeter(server_pid, database) as cpu:
                    pg = pgbench_load(url, setup, n, seconds, args.cards)
                pg["cpu"] = cpu.use
                (work / f"pgbench-{n}-{r}.txt").write_text(pg.pop("raw"))
                asyncio.run(reset(url))
                with CpuMeter(server_pid, database) as cpu:
                    raw = asyncio.run(asyncpg_load(url, setup, n, seconds, args.cards))
                raw["cpu"] = cpu.use
                for load, sample in (("api", api), ("pgbench", pg), ("asyncpg", raw)):
                    samples[load][n].append(sample)
                print(
                    f"[lifecycle] round {r + 1}/{rounds}, {n} clients: API {api['rate']:.0f}/s, "
                    f"pgbench {pg['rate']:.0f}/s, asyncpg {raw['rate']:.0f}/s",
                    flush=True,
                )
    rows = []
    for n in CLIENTS:
        row: dict[str, Any] = {"clients": n}
        for load, runs in samples.items():
            row |= {f"{load}_{k}": _median(runs[n], k) for k in ("rate", "p50_ms", "p99_ms")}
            row[f"{load}_errors"] = sum(s["errors"] for s in runs[n])
        api_runs, pg_runs = samples["api"][n], samples["pgbench"][n]
        rows.append(
            {
                **row,
                # Each ratio pairs an API run with the pgbench run right after it.
                "ratios": [a["rate"] / p["rate"] for a, p in zip(api_runs, pg_runs, strict=True)],
                "cpu": {load: _cpu_per_change(samples[load][n]) for load in samples},
            }
        )
    return {
        "measured_at": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
        "cards": args.cards,
        "seconds": seconds,
        "rounds": rounds,
        "workers": workers_for(settings),
        "machine": machine_line(),
        "commit": commit(),
        "cores": os.cpu_count() or 1,
        "rows": rows,
    }


def _cpu_per_change(samples: list[dict[str, Any]]) -> dict[str, float]:
    """Median CPU milliseconds a change took per party, and the machine's idle and others' share."""
    out = {}
    for who in ("server", "postgres", "client"):
        out[f"{who}_ms"] = statistics.median(
            s["cpu"][who] * 1000 / (s["rate"] * s["cpu"]["wall"]) for s in samples
        )
    for share in ("idle", "other"):
        out[f"{share}_share"] = statistics.median(
            s["cpu"][share] / s["cpu"]["machine"] for s in samples
        )
    return out


# ---- report ----

LOADS = {"api": "API (wrk)", "asyncpg": "API's SQL (asyncpg)", "pgbench": "pgbench"}


def report_section(data: dict[str, Any]) -> list[str]:
    rows = data["rows"]
    lines = [
        "## Card lifecycle changes (issue 3)",
        "",
        f"Measured {data['measured_at']} UTC with `python -m benchmarks.run --only lifecycle "
        f"--cards {data['cards']} --lifecycle-seconds {data['seconds']} "
        f"--lifecycle-rounds {data['rounds']}` on PostgreSQL, code at commit "
        f"{data['commit']}.",
        "",
        f"Machine: {data['machine']}.",
        "",
        f"{data['cards']:,} collected, active ICBC cards of Nanjing (persons, collected "
        "applications and cards generated set-based with COPY). A clerk of ICBC outlet "
        f"{OUTLET} takes a formal loss of a card (`POST /api/v1/cards/{{n}}/formal-loss`, "
        "LOSS-2) and unlocks it (`POST .../unlock`, LOSS-3), card after card; each request is "
        "one lifecycle change through the full path: token, load, rule checks, compare-and-set "
        "update, history row, outbox message, commit. wrk runs one thread per connection, each "
        "connection owning its own block of cards, against "
        f"`sscard serve --workers {data['workers']}`.",
        "",
        "pgbench runs the SQL of one change on the same database, with random cards from the "
        "same range: `BEGIN; UPDATE cards SET hr_status, version + 1, updated_at WHERE id; "
        "INSERT INTO history ...; END` (`pgbench -n -c N -j 2 -T "
        f"{data['seconds']} -f change.sql`). The asyncpg column is the API's own statements "
        "(card by number, outlet, update, history, outbox, in one transaction) sent from one "
        "Python process without HTTP, FastAPI or SQLAlchemy: the gap between pgbench and "
        "asyncpg is the extra round trips, the gap between asyncpg and the API is the "
        "service's own work.",
        "",
        f"Each client count ran {data['rounds']} rounds of {data['seconds']} s per load, the "
        "loads one after another (every card reset to active before each); the table shows "
        "medians over the rounds, and the ratio is the median of each round's API rate over "
        "the pgbench rate measured right after it. Client and server share the machine's 2 "
        "cores; other work on the machine during the run moves single numbers, the ratios "
        "less.",
        "",
        "| clients | API changes/s | API p50 ms | API p99 ms | API errors | pgbench tps | "
        "pgbench p50 ms | pgbench p99 ms | asyncpg, API's SQL /s | API / pgbench |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['clients']} | {r['api_rate']:,.0f} | {r['api_p50_ms']:.2f} | "
            f"{r['api_p99_ms']:.2f} | {r['api_errors']} | {r['pgbench_rate']:,.0f} | "
            f"{r['pgbench_p50_ms']:.2f} | {r['pgbench_p99_ms']:.2f} | "
            f"{r['asyncpg_rate']:,.0f} | {statistics.median(r['ratios']):.2f}× |"
        )
    lines += [
        "",
        "Where the CPU goes: CPU milliseconds per change (medians over the rounds), read from "
        "/proc for the server's processes, PostgreSQL's backends serving this database "
        "(autovacuum left out) and the load's client (wrk, pgbench, or the benchmark's own "
        "Python process), with the machine's idle share and the share taken by anything else "
        "running on it. `python -m benchmarks.lifecycle` after a run breaks one change down "
        "layer by layer in one process (asyncpg alone, then SQLAlchemy and the use case, then "
        "FastAPI) and prints a cProfile of the full path.",
        "",
        "| load | clients | server ms | PostgreSQL ms | client ms | machine idle | others |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for load in ("api", "asyncpg", "pgbench"):
        for r in rows:
            c = r["cpu"][load]
            lines.append(
                f"| {LOADS[load]} | {r['clients']} | {c['server_ms']:.2f} | "
                f"{c['postgres_ms']:.2f} | {c['client_ms']:.2f} | {c['idle_share']:.0%} | "
                f"{c['other_share']:.0%} |"
            )
    last = rows[-1]
    ratio = statistics.median(last["ratios"])
    spread = ", ".join(f"{x:.2f}" for x in last["ratios"])
    lines += [
        "",
        f"Target (issue 3): the API at ≥ {TARGET:.2f}× pgbench at {last['clients']} clients.",
        "",
        f"Verdict: {'met' if ratio >= TARGET else 'NOT met'} — {ratio:.2f}× "
        f"({last['api_rate']:,.0f} changes/s against {last['pgbench_rate']:,.0f} tps; rounds: "
        f"{spread}). The API's statements alone, from Python, reach "
        f"{last['asyncpg_rate'] / last['pgbench_rate']:.2f}× pgbench.",
        "",
    ]
    api, sql = last["cpu"]["api"], last["cpu"]["pgbench"]
    api_ms = api["server_ms"] + api["postgres_ms"] + api["client_ms"]
    sql_ms = sql["postgres_ms"] + sql["client_ms"]
    cores = data["cores"]
    bound = "the service's own CPU" if api["server_ms"] > api["postgres_ms"] else "PostgreSQL"
    lines += [
        f"At {last['clients']} clients one API change takes {api['server_ms']:.2f} ms of the "
        f"service's CPU, {api['postgres_ms']:.2f} ms of PostgreSQL's and {api['client_ms']:.2f} "
        f"ms of wrk's; a pgbench transaction takes {sql['postgres_ms']:.2f} ms of PostgreSQL's "
        f"and {sql['client_ms']:.2f} ms of pgbench's. The machine was "
        f"{1 - api['idle_share']:.0%} busy during the API load, so CPU sets the rates: on its "
        f"{cores} cores alone, these costs would allow about {cores * 1000 / api_ms:,.0f} "
        f"changes/s through the API and {cores * 1000 / sql_ms:,.0f} pgbench transactions/s, "
        "a ratio of "
        f"{sql_ms / api_ms:.2f}×. The larger part of an API change's cost is {bound}.",
        "",
    ]
    return lines


# ---- helpers ----


def _search(pattern: str, text: str, default: str | None = None) -> str:
    found = re.search(pattern, text)
    if found is None:
        if default is None:
            raise ValueError(f"no {pattern!r} in tool output:\n{text}")
        return default
    return found.group(1)


def _seconds(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"ms": 0.001, "s": 1.0, "m": 60.0}[unit]


def _quantile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def _median(samples: list[dict[str, Any]], key: str) -> float:
    return statistics.median(s[key] for s in samples)


# ---- where a change's time goes: `python -m benchmarks.lifecycle` after a run ----


async def profile(url: str, changes: int) -> None:
    """One client in-process, layer by layer: CPU a change costs, then cProfile of the full path."""
    import cProfile
    import pstats

    from sscard.app import create_app
    from sscard.cards.loss import service as loss
    from sscard.platform.http.deps import write

    await reset(url)
    rt = Runtime(settings_for(url, OUT / "lifecycle"))
    async with rt.unit(OPERATOR) as ctx:
        actor_id, token = await actors.create_actor(
            ctx, actors.NewActor(Role.OUTLET_CLERK, "profile clerk", outlet_code=OUTLET)
        )
        actor = await actors.authenticate(ctx.conn, token)
    conn = await asyncpg.connect(pg_url(url))
    outlet_id = await conn.fetchval("SELECT id FROM outlets WHERE code = $1", OUTLET)
    setup = {"actor_id": actor_id, "outlet_id": outlet_id}
    app = create_app(runtime=rt)
    actions = {True: loss.report_formal_loss, False: loss.unlock}
    database = make_url(url).database or ""

    async def sql(number: str, lose: bool) -> None:
        await api_sql_change(conn, setup, number, lose)

    async def use_case(number: str, lose: bool) -> None:
        async with rt.unit(actor) as ctx:
            await actions[lose](ctx, number, None)

    async def use_case_written(number: str, lose: bool) -> None:
        request = _Request(app)

        async def case(ctx: Any) -> Any:
            return await actions[lose](ctx, number, None)

        await write(request, actor, case)

    async def asgi(number: str, lose: bool) -> None:
        path = f"/api/v1/cards/{number}/{'formal-loss' if lose else 'unlock'}"
        status = await _asgi_post(app, path, token)
        assert status == 200, (path, status)

    layers = [
        ("asyncpg: the API's statements, nothing else", sql),
        ("+ SQLAlchemy Core, unit of work and the use case (rules, history, outbox)", use_case),
        ("+ deps.write: JSON encoding of the answer", use_case_written),
        ("+ FastAPI/Starlette: routing, token, body, response (ASGI call, no sockets)", asgi),
    ]
    first = 1
    print(f"{changes} changes each, one client, in this process (waits not counted as CPU):")
    for label, change in layers:
        for step in range(200):  # warm: pools, statement caches, token cache
            await change(f"A{first + step // 2:08d}", step % 2 == 0)
        first += 100
        with CpuMeter(os.getpid(), database) as meter:
            wall, cpu = time.perf_counter(), time.process_time()
            for step in range(changes):
                await change(f"A{first + step // 2:08d}", step % 2 == 0)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        first += changes
        pg_ms = meter.use["postgres"] / changes * 1000
        print(
            f"  {cpu / changes * 1000:6.3f} ms CPU here, {pg_ms:6.3f} ms PostgreSQL's, "
            f"{wall / changes * 1000:6.3f} ms wall  {label}"
        )
    profiler = cProfile.Profile()
    profiler.enable()
    for step in range(changes):
        await asgi(f"A{first + step // 2:08d}", step % 2 == 0)
    profiler.disable()
    await conn.close()
    await rt.dispose()
    stats = pstats.Stats(profiler)
    by_package: dict[str, float] = {}
    raw = stats.stats  # type: ignore[attr-defined]
    for (path, _, function), (_, _, own, _, _) in raw.items():
        if "poll" in function or "'send' of '_socket" in function:
            continue  # waiting for PostgreSQL, and the kernel's share of a send
        by_package[_package(path)] = by_package.get(_package(path), 0.0) + own
    total = sum(by_package.values())
    print("the full path under cProfile, own time by package (waits left out):")
    for name, own in sorted(by_package.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {name:<22} {own / total:6.1%}")
    stats.sort_stats("tottime").print_stats(30)


class _Request:
    """What deps.write reads from a request when there is no Idempotency-Key."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.headers: dict[str, str] = {}


async def _asgi_post(app: Any, path: str, token: str) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
        "state": {},
    }
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def _package(path: str) -> str:
    found = re.search(r"site-packages/([^/]+)", path) or re.search(r"/(sscard)/", path)
    if found:
        return found.group(1).removesuffix(".py")
    return "python stdlib" if "/lib/python" in path else "builtins / C"


def main() -> None:
    wire()  # the hooks and event subscribers, as every sscard process has them
    parser = argparse.ArgumentParser(description=profile.__doc__)
    parser.add_argument(
        "--postgres-url", default="postgresql://postgres@127.0.0.1:5432/sscard_bench_life"
    )
    parser.add_argument("--changes", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(profile(args.postgres_url, args.changes))


if __name__ == "__main__":
    main()
