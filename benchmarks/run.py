"""`make bench`: applications accepted per second and SSN lookups, on SQLite and PostgreSQL;
card lifecycle changes (benchmarks/lifecycle.py); delivery to banks (benchmarks/delivery.py);
the console's pages (benchmarks/pages.py); the ecard at scale (benchmarks/ecards.py).

Each database is set up fresh, filled set-based with generated persons, served by the real
server (`sscard serve`, 2 workers) and loaded by wrk from a second process. Results go to
docs/BENCHMARKS.md with the machine they ran on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import resource
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from benchmarks.generate import fill_postgres, fill_sqlite, sample_ssns
from sscard.actors import service as actors
from sscard.kernel.actor import OPERATOR, Role
from sscard.kernel.config import Settings
from sscard.kernel.runtime import Runtime
from sscard.registry.photo import make_standard_photo
from sscard.setup import set_up
from sscard.wiring import wire

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
WRK = ROOT / "benchmarks" / "wrk"
BENCH_KEY = "cd" * 32


@dataclass
class Result:
    database: str
    scenario: str
    persons: int
    connections: int
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int
    notes: list[str] = field(default_factory=list)


# ---- databases ----


async def fresh_postgres(url: str) -> None:
    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, database="postgres"
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{u.database}"')
    finally:
        await conn.close()


def settings_for(url: str, var: Path) -> Settings:
    return Settings.from_env(
        {
            "SSCARD_DATABASE_URL": url,
            "SSCARD_DATA_KEY": BENCH_KEY,
            "SSCARD_VAR_DIR": str(var),
            "SSCARD_ACCESS_LOG": "0",
            "SSCARD_LOG_LEVEL": "warning",
        }
    )


async def prepare(settings: Settings) -> dict[str, str]:
    """Schema, reference data and the actors the load runs as."""
    rt = Runtime(settings)
    try:
        await set_up(rt)
        tokens = {}
        async with rt.unit(OPERATOR) as ctx:
            for key, role, binding in [
                ("clerk_fast", Role.OUTLET_CLERK, {"outlet_code": "3204-HR-002"}),
                ("clerk_instant", Role.OUTLET_CLERK, {"outlet_code": "3204-HR-001"}),
                ("hotline", Role.HOTLINE_AGENT, {}),
            ]:
                _, tokens[key] = await actors.create_actor(
                    ctx, actors.NewActor(role, key, **binding)
                )
        return tokens
    finally:
        await rt.dispose()


async def add_photos(settings: Settings, first_id: int, count: int) -> None:
    """Every applicant of the application run gets a (generated, standard) photo, set-based."""
    from sqlalchemy import insert

    from sscard.registry.models import person_photos

    rt = Runtime(settings)
    try:
        blob = rt.vault.encrypt(make_standard_photo(1))
        now = datetime.now(UTC)
        rows = [
            {
                "person_id": pid,
                "photo_enc": blob,
                "byte_size": len(blob),
                "background": "white",
                "checked_at": now,
            }
            for pid in range(first_id, first_id + count)
        ]
        async with rt.unit(OPERATOR) as ctx:
            for i in range(0, len(rows), 5000):
                await ctx.conn.execute(insert(person_photos), rows[i : i + 5000])
    finally:
        await rt.dispose()


def fill(settings: Settings, vault_key: str, start: int, count: int) -> float:
    from sscard.kernel.crypto import Vault

    vault = Vault(bytes.fromhex(vault_key))
    t = time.perf_counter()
    if settings.is_sqlite:
        fill_sqlite(make_url(settings.database_url).database or "", vault, start, count)
    else:
        url = settings.database_url.replace("postgresql+asyncpg", "postgresql")
        asyncio.run(fill_postgres(url, vault, start, count))
    return time.perf_counter() - t


# ---- the server and the load ----


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(settings: Settings, workers: int) -> Iterator[str]:
    with serving(settings, workers) as (base, _):
        yield base


@contextmanager
def serving(settings: Settings, workers: int) -> Iterator[tuple[str, int]]:
    """The real server on a free port: its base URL and the process id of its supervisor."""
    port = free_port()
    env = {
        **os.environ,
        "SSCARD_DATABASE_URL": settings.database_url,
        "SSCARD_DATA_KEY": BENCH_KEY,
        "SSCARD_ACCESS_LOG": "0",
        "SSCARD_LOG_LEVEL": "warning",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "sscard", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(base + "/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def wrk(
    base: str,
    script: str | None,
    connections: int,
    seconds: int,
    env: dict[str, str],
    *,
    threads: int = 2,
) -> dict[str, Any]:
    lua = ["-s", str(WRK / script)] if script else []
    done = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *lua, base],
        env={**os.environ, **env, "THREADS": str(threads)},
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_wrk(done.stdout)


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(out: str) -> dict[str, Any]:
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    return {
        "rate": rate,
        "p50_ms": _ms(pct["50"]),
        "p99_ms": _ms(pct["99"]),
        # A request wrk gave up on after 2 s counts as failed, like a non-2xx answer.
        "errors": (int(errors.group(1)) if errors else 0)
        + (int(timeouts.group(1)) if timeouts else 0),
        "raw": out,
    }


def warm(base: str, script: str, env: dict[str, str]) -> None:
    wrk(base, script, 4, 2, env)


# ---- scenarios ----


def workers_for(settings: Settings) -> int:
    """Two server processes, one per core (measured: one SQLite process reads at a third)."""
    return 2


def bench_applications(
    name: str, settings: Settings, tokens: dict[str, str], persons: int, seconds: int
) -> Result:
    """Persons 1..persons have photos; the load applies for each at most once."""
    with served(settings, workers=workers_for(settings)) as base:
        env = {"TOKEN": tokens["clerk_fast"], "FIRST_PERSON": "1"}
        r = wrk(base, "apply.lua", 16, seconds, env)
    (OUT / f"{name}-apply.txt").write_text(r["raw"])
    return Result(
        name,
        "applications accepted (fast outlet)",
        persons,
        16,
        r["rate"],
        r["p50_ms"],
        r["p99_ms"],
        r["errors"],
    )


def bench_lookup(
    name: str, settings: Settings, tokens: dict[str, str], persons: int, seconds: int
) -> Result:
    sample = OUT / f"{name}-ssns.txt"
    sample.write_text("\n".join(sample_ssns(20_000, persons)) + "\n")
    with served(settings, workers=workers_for(settings)) as base:
        env = {"TOKEN": tokens["hotline"], "SSN_FILE": str(sample)}
        warm(base, "lookup.lua", env)
        r = wrk(base, "lookup.lua", 16, seconds, env)
    (OUT / f"{name}-lookup-{persons}.txt").write_text(r["raw"])
    return Result(
        name, "lookup by SSN", persons, 16, r["rate"], r["p50_ms"], r["p99_ms"], r["errors"]
    )


def bench_ceiling(name: str, settings: Settings, seconds: int) -> list[Result]:
    """What the stack itself does: no database (the OpenAPI page) and one trivial query."""
    results = []
    with served(settings, workers=workers_for(settings)) as base:
        for path, label in [
            ("/docs", "stack only: GET /docs (no database)"),
            ("/health", "stack + SELECT 1: GET /health"),
        ]:
            r = wrk(base + path, None, 16, seconds, {})
            results.append(
                Result(name, label, 0, 16, r["rate"], r["p50_ms"], r["p99_ms"], r["errors"])
            )
    return results


def run_database(name: str, url: str, args: argparse.Namespace) -> list[Result]:
    var = OUT / name
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    if name == "postgresql":
        asyncio.run(fresh_postgres(url))
    settings = settings_for(url, var)
    tokens = asyncio.run(prepare(settings))
    results = []
    # Applications: persons 1..apply_persons, with photos, none applied for yet.
    took = fill(settings, BENCH_KEY, 0, args.persons)
    print(f"[{name}] {args.persons} persons generated in {took:.0f}s", flush=True)
    asyncio.run(add_photos(settings, 1, args.apply_persons))
    results.append(bench_applications(name, settings, tokens, args.persons, args.seconds))
    results.append(bench_lookup(name, settings, tokens, args.persons, args.seconds))
    results += bench_ceiling(name, settings, args.seconds)
    if name == "postgresql" and args.grow_to > args.persons:
        took = fill(settings, BENCH_KEY, args.persons, args.grow_to - args.persons)
        print(f"[{name}] grown to {args.grow_to} persons in {took:.0f}s", flush=True)
        results.append(bench_lookup(name, settings, tokens, args.grow_to, args.seconds))
    return results


# ---- report ----


def machine() -> dict[str, str]:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": f"{mem_kb / 1024 / 1024:.0f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": pg,
        "sqlite": __import__("sqlite3").sqlite_version,
    }


def machine_line() -> str:
    return "; ".join(f"{k} {v}" for k, v in machine().items())


def commit() -> str:
    """The short hash of the checked-out commit the benchmark runs ("unknown" outside git)."""
    done = subprocess.run(
        ["git", "-C", str(OUT.parent), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or "unknown"


def report(store: dict[str, Any]) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`python -m benchmarks.run`); `--only sqlite|postgresql|"
        "lifecycle|delivery|pages|batch|sm2|ecards|payments|transport` reruns one part and "
        "keeps the others' last results.",
        "",
    ]
    if store["results"]:
        lines += api_section(store["results"], store["api_run"])
    if store["lifecycle"]:
        from benchmarks import lifecycle

        lines += lifecycle.report_section(store["lifecycle"])
    if store.get("delivery"):
        from benchmarks import delivery

        lines += delivery.report_section(store["delivery"])
    if store.get("pages"):
        from benchmarks import pages

        lines += pages.report_section(store["pages"])
    if store.get("batch"):
        from benchmarks import batch

        lines += batch.report_section(store["batch"])
    if store.get("sm2"):
        from benchmarks import sm2

        lines += sm2.report_section(store["sm2"])
    if store.get("ecards"):
        from benchmarks import ecards

        lines += ecards.report_section(store["ecards"])
    if store.get("payments"):
        from benchmarks import payments

        lines += payments.report_section(store["payments"])
    if store.get("transport"):
        from benchmarks import transport

        lines += transport.report_section(store["transport"])
    # The data behind this page, so that a later --only run or --report-only can rebuild it
    # where benchmarks/out/ is gone (it is not committed).
    lines += [f"<!-- {DATA_MARK} {json.dumps(_as_json(store), ensure_ascii=False)} -->", ""]
    return "\n".join(lines)


def api_section(results: list[Result], run: dict[str, Any]) -> list[str]:
    peak_mb = run.get("peak_mb") or 0
    lines = [
        "## Applications and lookups (issue 2)",
        "",
        f"Measured {run['measured_at']} UTC with `make bench` "
        f"(`python -m benchmarks.run --persons {run['persons']} --grow-to {run['grow_to']} "
        f"--seconds {run['seconds']}`).",
        "",
        f"Machine: {run.get('machine') or machine_line()}.",
        "",
        "The service runs as `sscard serve --workers 2`; wrk (2 threads, 16 connections) loads it",
        "from a second process on the same 2 cores, so client and server share the CPU. Rates are",
        "requests per second over the run; latencies are wrk's p50 and p99 (ms). Persons are",
        "generated set-based (COPY on PostgreSQL with the secondary indexes built afterwards,",
        "executemany on SQLite) in chunks of 50,000;",
        f"the benchmark process peaked at {peak_mb:.0f} MB resident." if peak_mb else "",
        "",
        "| database | scenario | persons | rate (/s) | p50 ms | p99 ms | non-2xx or timed out |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.database} | {r.scenario} | {r.persons:,} | {r.rate:,.0f} | {r.p50_ms:.2f} | "
            f"{r.p99_ms:.2f} | {r.errors} |"
        )
    lookups = [r for r in results if r.database == "postgresql" and r.scenario == "lookup by SSN"]
    if len(lookups) == 2:
        lines += [
            "",
            f"p99 growth {lookups[0].persons:,} → {lookups[1].persons:,} persons: "
            f"{lookups[1].p99_ms / lookups[0].p99_ms:.2f}×.",
        ]
    for db in ("sqlite", "postgresql"):
        ceiling = [r for r in results if r.database == db and r.scenario.startswith("stack +")]
        lookup = [r for r in results if r.database == db and r.scenario == "lookup by SSN"]
        if ceiling and lookup:
            lines += [
                "",
                f"{db}: the lookup at {lookup[0].persons:,} persons runs at "
                f"{lookup[0].rate / ceiling[0].rate:.2f}× the rate of the same stack answering one "
                "`SELECT 1` (GET /health).",
            ]
    lines += ["", "Targets (issue 2): PostgreSQL lookups ≥ 5,000/s at 16 clients with p99 ≤ 10 ms;"]
    lines += ["p99 at 10 M persons ≤ 1.3× p99 at 1 M.", ""]
    if lookups:
        first = lookups[0]
        met = first.rate >= 5000 and first.p99_ms <= 10
        lines.append(
            f"Verdict: {'met' if met else 'NOT met'} — {first.rate:,.0f}/s with p99 "
            f"{first.p99_ms:.1f} ms at {first.persons:,} persons."
        )
    lines.append("")
    return lines


# ---- the results kept between runs ----

DATA_MARK = "benchmark-data"


def _as_json(store: dict[str, Any]) -> dict[str, Any]:
    return {**store, "results": [r.__dict__ for r in store["results"]]}


def load_store(report_path: Path) -> dict[str, Any]:
    """The last results: benchmarks/out/results.json, else the data kept in the report itself."""
    path = OUT / "results.json"
    if path.exists():
        data = json.loads(path.read_text())
        if isinstance(data, list):  # before issue 3: the list of results alone
            data = {"results": data, "api_run": _api_run_from(report_path), "lifecycle": None}
    elif report_path.exists():
        text = report_path.read_text()
        kept = re.search(rf"<!-- {DATA_MARK} (.*) -->", text)
        data = json.loads(kept.group(1)) if kept else _parse_old_report(text)
    else:
        data = {"results": [], "api_run": {}, "lifecycle": None}
    data.setdefault("delivery", None)
    data.setdefault("pages", None)
    data["results"] = [Result(**r) for r in data["results"]]
    return data


def save_store(store: dict[str, Any]) -> None:
    (OUT / "results.json").write_text(json.dumps(_as_json(store), indent=1, ensure_ascii=False))


def _api_run_from(report_path: Path) -> dict[str, Any]:
    text = report_path.read_text() if report_path.exists() else ""
    return _parse_old_report(text)["api_run"]


def _parse_old_report(text: str) -> dict[str, Any]:
    """Results from a report written before the data was kept in it (its table and header)."""
    run: dict[str, Any] = {}
    head = re.search(
        r"Measured (.+?) UTC with `make bench` \(`python -m benchmarks.run --persons (\d+) "
        r"--grow-to (\d+) --seconds (\d+)`\)",
        text,
    )
    if head:
        run = {
            "measured_at": head.group(1),
            "persons": int(head.group(2)),
            "grow_to": int(head.group(3)),
            "seconds": int(head.group(4)),
        }
    seen_on = re.search(r"^Machine: (.+)\.$", text, re.M)
    if seen_on:
        run["machine"] = seen_on.group(1)
    peak = re.search(r"peaked at (\d+) MB", text)
    run["peak_mb"] = float(peak.group(1)) if peak else 0.0
    results = []
    for m in re.finditer(
        r"^\| (sqlite|postgresql) \| ([^|]+) \| ([\d,]+) \| ([\d,.]+) \| ([\d.]+) \| ([\d.]+) "
        r"\| (\d+) \|$",
        text,
        re.M,
    ):
        db, scenario, persons, rate, p50, p99, errors = m.groups()
        results.append(
            {
                "database": db,
                "scenario": scenario,
                "persons": int(persons.replace(",", "")),
                "connections": 16,
                "rate": float(rate.replace(",", "")),
                "p50_ms": float(p50),
                "p99_ms": float(p99),
                "errors": int(errors),
            }
        )
    return {"results": results, "api_run": run, "lifecycle": None}


def main() -> None:
    wire()  # the hooks and event subscribers, as every sscard process has them
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--postgres-url", default="postgresql://postgres@127.0.0.1:5432/sscard_bench"
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--apply-persons", type=int, default=60_000)
    parser.add_argument("--grow-to", type=int, default=10_000_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument(
        "--cards", type=int, default=100_000, help="lifecycle: collected cards (and persons)"
    )
    parser.add_argument(
        "--lifecycle-seconds", type=int, default=8, help="lifecycle: seconds of each load"
    )
    parser.add_argument(
        "--lifecycle-rounds", type=int, default=3, help="lifecycle: rounds at each client count"
    )
    parser.add_argument(
        "--delivery-cards", type=int, default=20_000, help="delivery: cards, one account each"
    )
    parser.add_argument(
        "--delivery-backlog", type=int, default=50_000, help="delivery: messages per backlog"
    )
    parser.add_argument(
        "--delivery-rounds", type=int, default=3, help="delivery: rounds of each load"
    )
    parser.add_argument(
        "--delivery-seconds", type=int, default=8, help="delivery: seconds of each steady load"
    )
    parser.add_argument(
        "--delivery-rates",
        default="200,800",
        help="delivery: steady rates (changes/s); the first also through the API",
    )
    parser.add_argument(
        "--delivery-split-messages",
        type=int,
        default=10_000,
        help="delivery: messages drained in-process to time each step",
    )
    parser.add_argument(
        "--pages-persons",
        type=int,
        default=1_000_000,
        help="pages: persons, each but one in a hundred with a card",
    )
    parser.add_argument("--pages-seconds", type=int, default=20, help="pages: seconds of each load")
    parser.add_argument("--pages-rounds", type=int, default=3, help="pages: rounds of the loads")
    parser.add_argument(
        "--pages-reuse",
        action="store_true",
        help="pages: keep the filled database of the last run at the same size (not refilled)",
    )
    parser.add_argument(
        "--batch-rows", type=int, default=100_000, help="batch: members in the unit's file"
    )
    parser.add_argument("--batch-rounds", type=int, default=3, help="batch: runs of each file")
    parser.add_argument("--sm2-seconds", type=float, default=3.0, help="sm2: seconds a round")
    parser.add_argument("--sm2-rounds", type=int, default=3, help="sm2: rounds of each")
    parser.add_argument(
        "--ecards", type=int, default=10_000_000, help="ecards: persons, cards and ecards"
    )
    parser.add_argument("--ecards-seconds", type=int, default=10, help="ecards: seconds a load")
    parser.add_argument("--ecards-rounds", type=int, default=3, help="ecards: rounds of the loads")
    parser.add_argument(
        "--ecards-codes-rate",
        type=int,
        default=6_000,
        help="ecards: codes minted per second of load (more than the target's 5,000)",
    )
    parser.add_argument(
        "--ecards-list-rounds", type=int, default=5, help="ecards: status lists built"
    )
    parser.add_argument(
        "--ecards-delta-changes",
        type=int,
        default=1_000,
        help="ecards: ecard changes between a full status list and its delta",
    )
    parser.add_argument(
        "--ecards-pgbench-scale", type=int, default=100, help="ecards: pgbench -i -s (100: 10 M)"
    )
    parser.add_argument(
        "--ecards-reuse",
        action="store_true",
        help="ecards: keep the filled database for the next run at the same size (not refilled)",
    )
    parser.add_argument(
        "--only",
        choices=[
            "sqlite",
            "postgresql",
            "lifecycle",
            "delivery",
            "pages",
            "batch",
            "sm2",
            "ecards",
            "payments",
            "transport",
        ],
        default=None,
    )
    parser.add_argument(
        "--payments-persons",
        type=int,
        default=1_000_000,
        help="payments: persons, and lines in the batch",
    )
    parser.add_argument(
        "--payments-rounds", type=int, default=3, help="payments: timed runs of the batch"
    )
    parser.add_argument(
        "--payments-limit",
        type=float,
        default=180.0,
        help="payments: seconds after which a run is stopped (its statement cancelled)",
    )
    parser.add_argument(
        "--payments-reuse",
        action="store_true",
        help="payments: keep the filled database of the last run at the same size (not refilled)",
    )
    from benchmarks.transport import add_arguments as transport_arguments

    transport_arguments(parser)
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "BENCHMARKS.md")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite the report from the last results"
    )
    args = parser.parse_args()
    store = load_store(args.report)
    if args.report_only:
        args.report.write_text(report(store))
        return
    needs = {
        "wrk": ("sqlite", "postgresql", "pages", "ecards", "transport"),
        "pgbench": ("lifecycle", "ecards", "transport"),
    }
    for tool, parts in needs.items():
        if args.only in (None, *parts) and shutil.which(tool) is None:
            sys.exit(f"{tool} is needed: apt-get install wrk postgresql-client")
    OUT.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    targets = {
        "sqlite": f"sqlite:///{OUT / 'sqlite' / 'bench.db'}",
        "postgresql": args.postgres_url,
    }
    for name, url in targets.items():
        if args.only in (None, name):
            results += run_database(name, url, args)
            print(
                json.dumps([r.__dict__ for r in results if r.database == name], indent=1),
                flush=True,
            )
    if results:
        ran = {r.database for r in results}
        kept = [r for r in store["results"] if r.database not in ran]
        store["results"] = sorted(kept + results, key=lambda r: r.database != "sqlite")
        store["api_run"] = {
            "measured_at": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
            "persons": args.persons,
            "grow_to": args.grow_to,
            "seconds": args.seconds,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "machine": machine_line(),
        }
    if args.only in (None, "lifecycle"):
        from benchmarks import lifecycle

        # After the postgresql part, which it replaces: it starts from a fresh database.
        store["lifecycle"] = lifecycle.run(args.postgres_url, BENCH_KEY, args)
    if args.only in (None, "delivery"):
        from benchmarks import delivery

        # On its own database (the bench database's name + _delivery), set up fresh.
        store["delivery"] = delivery.run(args.postgres_url, BENCH_KEY, args)
    if args.only in (None, "pages"):
        from benchmarks import pages

        # On its own database (the bench database's name + _pages), set up fresh.
        store["pages"] = pages.run(args.postgres_url, BENCH_KEY, args)
    if args.only in (None, "batch"):
        from benchmarks import batch

        # On its own database (the bench database's name + _batch), set up fresh.
        store["batch"] = batch.run(args.postgres_url, BENCH_KEY, args)
    if args.only in (None, "sm2"):
        from benchmarks import sm2

        store["sm2"] = sm2.run(args)  # CPU only, no database
    if args.only in (None, "ecards"):
        from benchmarks import ecards

        # On its own databases (the bench database's name + _ecards, + _pgbench), set up fresh.
        store["ecards"] = ecards.run(args.postgres_url, BENCH_KEY, args)
    if args.only in (None, "payments"):
        from benchmarks import payments

        # On its own database (the bench database's name + _payments), set up fresh.
        store["payments"] = payments.run(args.postgres_url, BENCH_KEY, args)
    if args.only in (None, "transport"):
        from benchmarks import transport

        # On its own database (the bench database's name + _transport), set up fresh.
        store["transport"] = transport.run(args.postgres_url, BENCH_KEY, args)
    save_store(store)
    args.report.parent.mkdir(exist_ok=True)
    args.report.write_text(report(store))
    print(f"written {args.report}")


if __name__ == "__main__":
    main()
