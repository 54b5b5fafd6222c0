"""The electronic card at scale (issue 14 "Scale"): online QR verification through the HTTP API
and the status list offline gates refresh, on PostgreSQL with 10,000,000 ecards.

The database (the bench database's name + _ecards) is set up fresh and filled set-based, in
SQL (INSERT ... SELECT generate_series, chunk after chunk, foreign keys not re-checked row by
row and the secondary indexes built once afterwards): N persons of Nanjing, each with a
collected application, an active ICBC card and the ecard behind it. One in fifty ecards is not
in use (suspended, moving, ended or pending, in turn): the status list names those. The persons'
sealed fields (name, number, phone) are real SM4 ciphertexts under the bench key, taken in turn
from a pool of 4,096 generated persons: the path decrypts them as it would any person's.

Verification: a government hall (scene kind government_hall) with 16 terminals; every request
is one terminal's signed identity check (POST /api/v1/scene-uses/identity, HMAC-SM3 headers, a
unique request id) of a fresh identity code of a random ecard in use. The codes are minted in
this process ahead of each round with sscard's own code (ecards.qr and .signing) and the
platform's key from the database, two processes at once, each code used once; wrk (one thread
per connection, benchmarks/wrk/ecards.lua) sends them to `sscard serve --workers 2`. Right
after each round pgbench runs its select-only load (`pgbench -S -c 16 -j 2 -T s`) on its own
database (+ _pgbench, `pgbench -i`) of the same PostgreSQL, and the ratio pairs the two.

Status list: GET /api/v1/ecard-status-list (full), then, after a burst of ecard changes, the
same with ?since= the full list's as_of (delta), timed from the client, several rounds, beside
EXPLAIN ANALYZE of the query each one runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import random
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
from sqlalchemy.engine import make_url

from benchmarks.generate import rows as person_rows
from benchmarks.lifecycle import TICKS, CpuMeter, _search
from benchmarks.run import (
    OUT,
    commit,
    fresh_postgres,
    machine_line,
    parse_wrk,
    serving,
    settings_for,
    workers_for,
)
from sscard.cards import lifecycle as lc
from sscard.ecards import qr, signing
from sscard.ecards import repository as ecard_repo
from sscard.ecards import service as ecards
from sscard.ecards import status_list as sl
from sscard.kernel.actor import OPERATOR
from sscard.kernel.crypto import Vault
from sscard.kernel.runtime import Runtime
from sscard.platform.outbox.signing import signature as hmac_signature
from sscard.scenes import service as scenes
from sscard.setup import set_up

WORK = OUT / "ecards"
CLIENTS = 16
TARGET_RATE = 5_000  # verifications a second at 16 clients
TARGET_P99_MS = 10.0
TARGET_FULL_S = 5.0
TARGET_DELTA_MS = 100.0
OUTLET = "3201-BANK-001"  # ICBC, Nanjing
SCENE = "BENCHHALL3201"
NOT_IN_USE_EVERY = 50  # ecard i is not in use when i % 50 == 0: 2 %
NOT_IN_USE = ("suspended", "moving", "ended", "pending")
POOL = 4_096  # distinct sealed persons, used in turn
CHUNK = 1_000_000
# An odd multiplier is a bijection of the integers modulo 2**63: unique, random-looking numbers.
ECARD_NO_MULTIPLIER = 6364136223846793005
TWO_63 = 2**63

# The secondary indexes and unique constraints of the filled tables are dropped for the load and
# built once afterwards (bulk loading into B-trees of random keys is slow); primary keys stay.
TABLES = ["persons", "applications", "cards", "ecards"]


def ecard_no(i: int) -> int:
    return i * ECARD_NO_MULTIPLIER % TWO_63


def in_use(i: int) -> bool:
    return i % NOT_IN_USE_EVERY != 0


# ---- the database ----


def _db(url: str, suffix: str) -> str:
    return str(make_url(url).set(database=(make_url(url).database or "") + suffix))


async def prepare(url: str, var: Path, vault_key: str) -> dict[str, Any]:
    """Schema, reference data, the platform's QR key, the scene and its 16 terminals."""
    await fresh_postgres(url)
    rt = Runtime(settings_for(url, var))
    try:
        await set_up(rt)
        terminals = []
        async with rt.unit(OPERATOR) as ctx:
            await ecards.ensure_signing_key(ctx)
            newest = (await ecard_repo.signing_keys(ctx.conn))[0]
            key = {
                "key_id": int(newest["key_id"]),
                "private_hex": ctx.vault.decrypt_bytes(newest["private_key_enc"]).hex(),
            }
            await scenes.register_scene(
                ctx, scenes.NewScene(SCENE, "基准测试政务大厅", "government_hall", "3201")
            )
            for n in range(CLIENTS):
                made = await scenes.register_terminal(ctx, SCENE, f"GATE{n:02d}", "zh")
                terminals.append({"token": made["token"], "secret_hex": made["signing_key"]})
        return {"key": key, "terminals": terminals}
    finally:
        await rt.dispose()


async def fill(url: str, vault_key: str, count: int, chunk: int = CHUNK) -> dict[str, float]:
    """Persons 1..count, each with a collected application, an active card and an ecard, all
    generated in SQL; seconds taken by each step."""
    vault = Vault(bytes.fromhex(vault_key))
    conn = await asyncpg.connect(url)
    took: dict[str, float] = {}
    try:
        outlet = await conn.fetchrow(
            "SELECT o.id, o.city_code, o.bank_code, c.area_code FROM outlets o "
            "JOIN cities c ON c.code = o.city_code WHERE o.code = $1",
            OUTLET,
        )
        pool = [p for p, _ in person_rows(vault, 0, POOL, seed=1)]
        await conn.execute(
            "CREATE TEMP TABLE sealed (k int PRIMARY KEY, ssn_enc bytea, ssn_masked text, "
            "name_enc bytea, name_masked text, gender text, phone_enc bytea, phone_masked text)"
        )
        await conn.copy_records_to_table(
            "sealed",
            records=[(k, p[2], p[3], p[5], p[6], p[7], p[11], p[12]) for k, p in enumerate(pool)],
        )
        # The filled rows are generated whole and consistent: their foreign keys are not looked
        # up one by one (a replica's session skips the triggers that would).
        await conn.execute("SET session_replication_role = replica")
        await conn.execute("SET synchronous_commit = off")
        await conn.execute("SET maintenance_work_mem = '1GB'")
        dropped = await _drop_secondary(conn)
        now = datetime.now(UTC)
        issued = now.date()
        params = {
            "city": outlet["city_code"],
            "area": outlet["area_code"],
            "bank": outlet["bank_code"],
            "outlet": outlet["id"],
            "issued": issued,
            "expiry": lc.expiry_date(issued),
            "letter": lc.card_number(0)[0],
            "now": now,
        }
        steps = {
            "persons": PERSONS_SQL,
            "applications": APPLICATIONS_SQL,
            "cards": CARDS_SQL,
            "ecards": ECARDS_SQL,
        }
        for table, sql in steps.items():
            started = time.perf_counter()
            for lo in range(1, count + 1, chunk):
                hi = min(lo + chunk, count + 1) - 1
                await conn.execute(sql.format(lo=lo, hi=hi, pool=POOL, **_literals(params)))
            took[table] = time.perf_counter() - started
            print(f"[ecards] {count:,} {table} in {took[table]:.0f}s", flush=True)
        started = time.perf_counter()
        await conn.execute("SET max_parallel_maintenance_workers = 2")
        for statement in dropped:
            await conn.execute(statement)
        took["indexes"] = time.perf_counter() - started
        print(f"[ecards] indexes built in {took['indexes']:.0f}s", flush=True)
        for table in TABLES:
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {count})")
        for name in ("card_number", "application_reference"):
            await conn.execute(f"SELECT setval('seq_{name}', {count})")
        started = time.perf_counter()
        # Vacuum now (visibility map, hint bits, statistics) rather than during a load.
        await conn.execute("SET session_replication_role = origin")
        for table in TABLES:
            await conn.execute(f"VACUUM (ANALYZE) {table}")
        took["vacuum"] = time.perf_counter() - started
        print(f"[ecards] vacuumed in {took['vacuum']:.0f}s", flush=True)
    finally:
        await conn.close()
    return took


def _literals(params: dict[str, Any]) -> dict[str, str]:
    """The fill's constants as SQL literals (they are ours: codes, dates, a timestamp)."""
    out = {}
    for k, v in params.items():
        out[k] = str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'"
    return out


async def _drop_secondary(conn: asyncpg.Connection) -> list[str]:
    """Drop the filled tables' unique constraints and secondary indexes; the statements that
    build them again."""
    constraints = await conn.fetch(
        "SELECT conrelid::regclass::text AS tab, conname, pg_get_constraintdef(oid) AS def "
        "FROM pg_constraint WHERE contype = 'u' AND conrelid::regclass::text = ANY($1)",
        TABLES,
    )
    indexes = await conn.fetch(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY($1) "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        TABLES,
    )
    again = []
    for c in constraints:
        await conn.execute(f'ALTER TABLE {c["tab"]} DROP CONSTRAINT "{c["conname"]}"')
        again.append(f'ALTER TABLE {c["tab"]} ADD CONSTRAINT "{c["conname"]}" {c["def"]}')
    for i in indexes:
        await conn.execute(f'DROP INDEX "{i["indexname"]}"')
        again.append(i["indexdef"])
    return again


PERSONS_SQL = """
INSERT INTO persons (id, ssn_index, ssn_enc, ssn_masked, person_code, name_enc, name_masked,
  gender, birth_date, category, nationality, phone_enc, phone_masked, city_code, civil_capacity,
  created_at, updated_at)
SELECT i, encode(sha256(('bench-ssn-' || i)::bytea), 'hex'), s.ssn_enc, s.ssn_masked,
  {city} || lpad(upper(to_hex(i)), 12, '0'), s.name_enc, s.name_masked, s.gender,
  DATE '1950-01-01' + (i % 21900)::int, 'mainland', 'CHN', s.phone_enc, s.phone_masked, {city},
  'full', {now}, {now}
FROM generate_series({lo}::bigint, {hi}::bigint) AS i JOIN sealed s ON s.k = i % {pool}
"""
APPLICATIONS_SQL = """
INSERT INTO applications (id, reference, person_id, kind, channel, outlet_id, city_code,
  bank_code, making, status, fee_fen, accepted_on, version, accepted_at, updated_at)
SELECT i, 'SQ' || {city} || to_char(DATE {issued}, 'YYYYMMDD') || lpad(i::text, 8, '0'), i,
  'first', 'bank_outlet', {outlet}, {city}, {bank}, 'instant', 'collected', 0, DATE {issued}, 5,
  {now}, {now}
FROM generate_series({lo}::bigint, {hi}::bigint) AS i
"""
CARDS_SQL = """
INSERT INTO cards (id, card_number, identification_code, person_id, application_id, city_code,
  issuing_area_code, bank_code, generation, spec_version, issue_date, expiry_date, hr_status,
  financial_status, version, created_at, updated_at)
SELECT i, {letter} || lpad(i::text, 8, '0'),
  {area} || 'D156000005' || lpad(upper(to_hex(i)), 16, '0'), i, i, {city}, {area}, {bank},
  3, '3.00', DATE {issued}, DATE {expiry}, 'active', 'active', 2, {now}, {now}
FROM generate_series({lo}::bigint, {hi}::bigint) AS i
"""
# Ecard i: number ecard_no(i); one in NOT_IN_USE_EVERY not in use, the states in turn; last
# changed some day of the past year (none within the last hour, so a delta holds only the
# changes the benchmark makes).
ECARDS_SQL = (
    """
INSERT INTO ecards (id, ecard_no, person_id, card_id, status, issued_at, updated_at, version)
SELECT i, ((i::numeric * """
    + str(ECARD_NO_MULTIPLIER)
    + """) % """
    + str(TWO_63)
    + """)::bigint, i, i,
  CASE WHEN i % """
    + str(NOT_IN_USE_EVERY)
    + """ <> 0 THEN 'active'
    ELSE (ARRAY['"""
    + "','".join(NOT_IN_USE)
    + """'])[(i / """
    + str(NOT_IN_USE_EVERY)
    + """) % 4 + 1] END,
  {now}::timestamptz - interval '1 hour' - (i % 365) * interval '1 day',
  {now}::timestamptz - interval '1 hour' - (i % 365) * interval '1 day', 1
FROM generate_series({lo}::bigint, {hi}::bigint) AS i
"""
)


async def _counts(url: str) -> dict[str, Any]:
    conn = await asyncpg.connect(url)
    try:
        return {
            "ecards": await conn.fetchval("SELECT count(*) FROM ecards"),
            "not_in_use": await conn.fetchval(
                "SELECT count(*) FROM ecards WHERE status <> 'active'"
            ),
            "database_gb": await conn.fetchval("SELECT pg_database_size(current_database())")
            / 2**30,
        }
    finally:
        await conn.close()


async def _checkpoint(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


async def drop_database(url: str) -> None:
    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, database="postgres"
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)')
    finally:
        await conn.close()


# ---- the codes, minted ahead of the load ----


def _mint_part(job: tuple[str, int, list[int], list[dict[str, str]], int, int]) -> list[str]:
    """Signed requests for `ids` (ecards), spread over the terminals: token, timestamp,
    signature, body."""
    private_hex, key_id, ids, terminals, issued, first = job
    key = signing.signing_key(bytes.fromhex(private_hex))
    secrets_ = [bytes.fromhex(t["secret_hex"]) for t in terminals]
    out = []
    for n, i in enumerate(ids, start=first):
        body = qr.QrBody(
            key_id, ecard_no(i), qr.Scope.IDENTITY, issued, qr.VALID_SECONDS, secrets.token_bytes(8)
        )
        code = qr.encode(body, signing.sign(key, body.pack()))
        content = orjson.dumps({"request_id": uuid.uuid4().hex, "qr": code})
        t = n % len(terminals)
        stamp = int(time.time())
        out.append(
            f"{t}\t{terminals[t]['token']}\t{stamp}\t"
            f"{hmac_signature(secrets_[t], stamp, content)}\t{content.decode()}"
        )
    return out


def mint(setup: dict[str, Any], count: int, codes: int, folder: Path) -> dict[str, float]:
    """`codes` signed requests of random ecards in use, one file per client (client n is
    terminal n); how long minting took."""
    started = time.perf_counter()
    rng = random.Random()
    ids = []
    while len(ids) < codes:
        i = rng.randint(1, count)
        if in_use(i):
            ids.append(i)
    issued = int(time.time())  # the holder shows the code now; it is good for 60 seconds
    key = setup["key"]
    parts = 8
    size = math.ceil(codes / parts)
    jobs = [
        (key["private_hex"], key["key_id"], ids[p * size : (p + 1) * size], setup["terminals"],
         issued, p * size)
        for p in range(parts)
    ]  # fmt: skip
    with multiprocessing.get_context("fork").Pool(2) as pool:
        lines = [line for part in pool.map(_mint_part, jobs) for line in part]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    per_client: list[list[str]] = [[] for _ in range(CLIENTS)]
    for line in lines:
        t, rest = line.split("\t", 1)
        per_client[int(t)].append(rest)
    for n, mine in enumerate(per_client):
        (folder / f"client-{n:02d}.tsv").write_text("\n".join(mine) + "\n")
    return {"codes": codes, "seconds": time.perf_counter() - started, "issued": issued}


# ---- the loads ----


def api_load(base: str, folder: Path, seconds: int) -> dict[str, Any]:
    done = subprocess.run(
        ["wrk", f"-t{CLIENTS}", f"-c{CLIENTS}", f"-d{seconds}s", "--latency",
         "-s", str(Path(__file__).parent / "wrk" / "ecards.lua"), base],
        env={"REQ_DIR": str(folder), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, errors="replace", check=True,
    )  # fmt: skip
    r = parse_wrk(done.stdout)
    requests = int(_search(r"(\d+) requests in", done.stdout))
    took = float(_search(r"requests in ([\d.]+)s,", done.stdout))
    refused = int(_search(r"refused: (\d+)", done.stdout))
    return {
        "rate": (requests - refused) / took,  # identities verified, not answers received
        "answers": requests / took,
        "p50_ms": r["p50_ms"],
        "p99_ms": r["p99_ms"],
        "requests": requests,
        "refused": refused,
        "errors": r["errors"],
        "first_refused": _search(r"first refused: (.*)", done.stdout, default=""),
        "raw": done.stdout,
    }


def pgbench_init(url: str, scale: int) -> float:
    u = make_url(url)
    asyncio.run(fresh_postgres(url))
    started = time.perf_counter()
    subprocess.run(
        ["pgbench", "-i", "-q", "-I", "dtGvp", "-s", str(scale), *_pg_args(u), u.database or ""],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return time.perf_counter() - started


def _pg_args(u: Any) -> list[str]:
    return ["-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"]


def pgbench_select(url: str, seconds: int) -> dict[str, Any]:
    u = make_url(url)
    done = subprocess.run(
        ["pgbench", "-n", "-S", "-c", str(CLIENTS), "-j", "2", "-T", str(seconds),
         "-P", "1", *_pg_args(u), u.database or ""],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {
        "rate": float(_search(r"tps = ([\d.]+)", done.stdout)),
        "latency_ms": float(_search(r"latency average = ([\d.]+) ms", done.stdout)),
        "raw": done.stdout + done.stderr,
    }


def _others(cpu: CpuMeter, server_pid: int) -> dict[str, float]:
    """CPU seconds other processes took during a load, by command name (the three largest)."""
    server, grown = {server_pid}, True
    while grown:
        children = {pid for pid, row in cpu.last.items() if row[1] in server}
        grown = not children <= server
        server |= children
    me = os.getpid()
    spent: dict[str, float] = {}
    for pid, (name, parent, ticks) in cpu.last.items():
        if pid in server or pid == me or parent == me or cpu._ours.get(pid):
            continue
        spent[name] = spent.get(name, 0.0) + (ticks - cpu.first[pid]) / TICKS
    return dict(sorted(spent.items(), key=lambda kv: -kv[1])[:3])


# ---- the status list ----


async def _change_ecards(url: str, ids: list[int]) -> None:
    """A burst of ecard changes, as the cards' events make them: half suspended (a card lost),
    half back in use."""
    conn = await asyncpg.connect(url)
    try:
        half = len(ids) // 2
        await conn.execute(
            "UPDATE ecards SET status = 'suspended', updated_at = now(), version = version + 1 "
            "WHERE id = ANY($1::bigint[])",
            ids[:half],
        )
        await conn.execute(
            "UPDATE ecards SET status = 'active', updated_at = now(), version = version + 1 "
            "WHERE id = ANY($1::bigint[])",
            ids[half:],
        )
    finally:
        await conn.close()


def status_lists(base: str, url: str, count: int, rounds: int, changes: int) -> dict[str, Any]:
    """Rounds of: the full list, a burst of `changes` ecard changes, the delta since the full
    list's as_of. Client-side seconds of each request, with the entries and bytes."""
    rng = random.Random(5)
    out: dict[str, list[dict[str, Any]]] = {"full": [], "delta": []}
    with httpx.Client(base_url=base, timeout=120) as client:
        client.get("/api/v1/ecard-status-list")  # warm: keys, plans, the table's pages
        for _ in range(rounds):
            # Past the delta's overlap, so that each delta holds its own round's changes only.
            time.sleep(sl.DELTA_OVERLAP.total_seconds() + 1)
            started = time.perf_counter()
            r = client.get("/api/v1/ecard-status-list")
            took = time.perf_counter() - started
            r.raise_for_status()
            full = r.json()
            out["full"].append({"seconds": took, "entries": full["entries"],
                                "bytes": len(r.content)})  # fmt: skip
            # Suspend ecards in use and bring back ecards not in use (by the fill's pattern).
            on = [i for i in (rng.randint(1, count) for _ in range(changes * 2)) if in_use(i)]
            off = [rng.randint(1, count // NOT_IN_USE_EVERY) * NOT_IN_USE_EVERY
                   for _ in range(changes - changes // 2)]  # fmt: skip
            asyncio.run(_change_ecards(url, on[: changes // 2] + off))
            started = time.perf_counter()
            r = client.get("/api/v1/ecard-status-list", params={"since": full["as_of"]})
            took = time.perf_counter() - started
            r.raise_for_status()
            out["delta"].append({"seconds": took, "entries": r.json()["entries"],
                                 "bytes": len(r.content)})  # fmt: skip
    return out


async def explain(url: str) -> dict[str, Any]:
    """EXPLAIN ANALYZE of the status list's two queries (repository.not_in_use, .changed_since)."""
    conn = await asyncpg.connect(url)
    try:
        plans = {}
        for name, sql in (
            ("full", "SELECT ecard_no FROM ecards WHERE status <> 'active'"),
            ("delta", "SELECT ecard_no, status FROM ecards "
                      "WHERE updated_at >= now() - interval '5 minutes'"),
        ):  # fmt: skip
            rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            text = [r[0] for r in rows]
            ms = float(_search(r"Execution Time: ([\d.]+) ms", "\n".join(text)))
            plans[name] = {"sql": sql, "plan": text, "ms": ms}
        return plans
    finally:
        await conn.close()


# ---- the run ----


def run(url: str, vault_key: str, args: argparse.Namespace) -> dict[str, Any]:
    WORK.mkdir(parents=True, exist_ok=True)
    db = _db(url, "_ecards")
    pg_db = _db(url, "_pgbench")
    count, seconds, rounds = args.ecards, args.ecards_seconds, args.ecards_rounds
    kept = WORK / "setup.json"
    setup = json.loads(kept.read_text()) if kept.exists() else {}
    if args.ecards_reuse and setup.get("ecards") == count:
        print(f"[ecards] reusing the filled database of {count:,} ecards", flush=True)
    else:
        started = time.perf_counter()
        setup = asyncio.run(prepare(db, WORK, vault_key))
        setup["fill"] = asyncio.run(fill(db, vault_key, count))
        setup["fill"]["total"] = time.perf_counter() - started
        setup["ecards"] = count
        setup["filled_at"] = f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
        kept.write_text(json.dumps(setup))
    setup["pgbench_init_s"] = pgbench_init(pg_db, args.ecards_pgbench_scale)
    print(f"[ecards] pgbench -i -s {args.ecards_pgbench_scale} in "
          f"{setup['pgbench_init_s']:.0f}s", flush=True)  # fmt: skip
    sizes = asyncio.run(_counts(db))
    asyncio.run(_checkpoint(db))  # the fill's writes flushed now, not during a load
    settings = settings_for(db, WORK)
    database = make_url(db).database or ""
    codes = math.ceil(args.ecards_codes_rate * seconds)
    samples: list[dict[str, Any]] = []
    with serving(settings, workers=workers_for(settings)) as (base, server_pid):
        warm = WORK / "warm"
        mint(setup, count, 2_000, warm)
        api_load(base, warm, 3)  # warm: pools, the token cache, the keyring, plans
        for r in range(rounds):
            minted = mint(setup, count, codes, WORK / "requests")
            with CpuMeter(server_pid, database) as cpu:
                api = api_load(base, WORK / "requests", seconds)
            api["cpu"] = cpu.use
            api["others"] = _others(cpu, server_pid)
            api["mint"] = minted
            # Positive: the round ran past the codes' minute (they would show as refused).
            api["late_s"] = time.time() - (minted["issued"] + qr.VALID_SECONDS)
            (WORK / f"wrk-{r}.txt").write_text(api.pop("raw"))
            with CpuMeter(server_pid, make_url(pg_db).database or "") as cpu:
                pg = pgbench_select(pg_db, seconds)
            pg["cpu"] = cpu.use
            (WORK / f"pgbench-{r}.txt").write_text(pg.pop("raw"))
            samples.append({"api": api, "pgbench": pg, "ratio": api["rate"] / pg["rate"]})
            print(
                f"[ecards] round {r + 1}/{rounds}: {api['rate']:,.0f} verified/s "
                f"(p50 {api['p50_ms']:.1f} ms, p99 {api['p99_ms']:.1f} ms, refused "
                f"{api['refused']}), pgbench -S {pg['rate']:,.0f} tps; codes minted "
                f"{minted['codes']:,} in {minted['seconds']:.1f}s",
                flush=True,
            )
            if api["first_refused"]:
                print(f"[ecards] first refused: {api['first_refused']}", flush=True)
        lists = status_lists(base, db, count, args.ecards_list_rounds, args.ecards_delta_changes)
    plans = asyncio.run(explain(db))
    for kind in ("full", "delta"):
        times = [x["seconds"] for x in lists[kind]]
        print(f"[ecards] status list {kind}: median {statistics.median(times) * 1000:,.0f} ms "
              f"({', '.join(f'{t * 1000:,.0f}' for t in times)}); SQL alone "
              f"{plans[kind]['ms']:,.0f} ms", flush=True)  # fmt: skip
    if not args.ecards_reuse:
        asyncio.run(drop_database(db))
        kept.unlink(missing_ok=True)
    asyncio.run(drop_database(pg_db))
    return {
        "measured_at": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
        "machine": machine_line(),
        "commit": commit(),
        "ecards": count,
        "seconds": seconds,
        "rounds": rounds,
        "codes_per_round": codes,
        "pgbench_scale": args.ecards_pgbench_scale,
        "delta_changes": args.ecards_delta_changes,
        "workers": workers_for(settings),
        "fill": setup["fill"],
        "filled_at": setup.get("filled_at"),
        "pgbench_init_s": setup["pgbench_init_s"],
        "sizes": sizes,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "samples": samples,
        "lists": lists,
        "plans": plans,
        "load_average": Path("/proc/loadavg").read_text().split()[:3],
    }


# ---- report ----


def _med(values: list[float]) -> float:
    return statistics.median(values)


def _cpu_ms(sample: dict[str, Any], who: str) -> float:
    """CPU milliseconds of `who` per completed request over the load."""
    done = sample["rate"] * sample["cpu"]["wall"]
    return sample["cpu"][who] * 1000 / done if done else 0.0


def _neighbours(api: list[dict[str, Any]]) -> str:
    """The other processes that took the most CPU over the API loads, as a clause."""
    total: dict[str, float] = {}
    for a in api:
        for name, seconds in a.get("others", {}).items():
            total[name] = total.get(name, 0.0) + seconds
    wall = sum(a["cpu"]["wall"] for a in api)
    named = [f"{name} {seconds / wall:.0%} of a core" for name, seconds in total.items()
             if seconds > 0.05 * wall]  # fmt: skip
    return "; the largest: " + ", ".join(named) if named else ""


def report_section(data: dict[str, Any]) -> list[str]:
    s = data["samples"]
    api = [x["api"] for x in s]
    pg = [x["pgbench"] for x in s]
    rate, p50, p99 = (_med([a[k] for a in api]) for k in ("rate", "p50_ms", "p99_ms"))
    pg_rate = _med([p["rate"] for p in pg])
    ratio = _med([x["ratio"] for x in s])
    full = _med([x["seconds"] for x in data["lists"]["full"]])
    delta_ms = _med([x["seconds"] for x in data["lists"]["delta"]]) * 1000
    mint_rate = _med([a["mint"]["codes"] / a["mint"]["seconds"] for a in api])
    fill = data["fill"]
    sizes = data["sizes"]
    n = data["ecards"]
    lines = [
        "## The electronic card at scale (issue 14)",
        "",
        f"Measured {data['measured_at']} UTC at commit {data['commit']} with `python -m "
        f"benchmarks.run --only ecards --ecards {n} --ecards-seconds {data['seconds']} "
        f"--ecards-rounds {data['rounds']}` on PostgreSQL (autovacuum off, as on this machine; "
        "the filled tables vacuumed and a checkpoint taken before the loads); database filled "
        f"{data.get('filled_at') or data['measured_at']} UTC.",
        "",
        f"Machine: {data['machine']}.",
        "",
        f"{n:,} persons of Nanjing, each with a collected application, an active ICBC card and "
        f"the ecard behind it; {sizes['not_in_use']:,} ecards (one in {NOT_IN_USE_EVERY}) not in "
        f"use — suspended, moving, ended or pending in turn. Filled in SQL (INSERT … SELECT "
        f"generate_series, {CHUNK:,} rows a statement, secondary indexes built afterwards) in "
        f"{fill['total'] / 60:.1f} min: persons {fill['persons']:.0f} s, applications "
        f"{fill['applications']:.0f} s, cards {fill['cards']:.0f} s, ecards "
        f"{fill['ecards']:.0f} s, indexes {fill['indexes']:.0f} s, vacuum {fill['vacuum']:.0f} "
        f"s; the database holds {sizes['database_gb']:.1f} GB. The persons' sealed fields are "
        f"real SM4 ciphertexts under the bench key, {POOL:,} generated persons' in turn (the "
        "path decrypts them as any). The benchmark process peaked at "
        f"{data['peak_mb']:.0f} MB resident.",
        "",
        "### Online verification",
        "",
        "A government hall with 16 terminals; each request is one terminal's signed identity "
        "check (`POST /api/v1/scene-uses/identity`: HMAC-SM3 headers over the body, a unique "
        "request id, a fresh identity code of a random ecard in use) through the whole path: "
        "token, terminal and signature, request id kept, application lists, the code's SM2 "
        "signature and time, the ecard and card, the code spent, the use recorded, the holder's "
        "name and number decrypted and the read logged in the access chain, commit. The codes "
        f"are minted ahead of each round in the benchmark process ({data['codes_per_round']:,} a "
        "round, enough for 6,000/s; two processes, sscard's own `ecards.qr` and `.signing` "
        f"with the platform's key from the database) at {mint_rate:,.0f} a second — the cost of "
        "pre-minting, outside the timed load. wrk (16 threads, one connection each, "
        "`benchmarks/wrk/ecards.lua`, each connection reading its own file of pre-signed "
        f"requests) loads `sscard serve --workers {data['workers']}` for {data['seconds']} s "
        "a round; the rate counts answers that verified the identity (a refusal or an error "
        "is counted apart). Right after each round, `pgbench -S -c 16 -j 2 -T "
        f"{data['seconds']}` runs on its own database of the same PostgreSQL (`pgbench -i -s "
        f"{data['pgbench_scale']}`: {data['pgbench_scale'] * 100_000:,} accounts); the ratio "
        "pairs each round with the pgbench run after it. Client and server share the "
        "machine's 2 cores.",
        "",
        "| round | verified/s | p50 ms | p99 ms | refused or failed | pgbench -S tps | "
        "API / pgbench |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, x in enumerate(s, start=1):
        a, p = x["api"], x["pgbench"]
        lines.append(
            f"| {i} | {a['rate']:,.0f} | {a['p50_ms']:.2f} | {a['p99_ms']:.2f} | "
            f"{a['refused'] + a['errors']} | {p['rate']:,.0f} | {x['ratio']:.3f}× |"
        )
    lines.append(
        f"| median | {rate:,.0f} | {p50:.2f} | {p99:.2f} | | {pg_rate:,.0f} | {ratio:.3f}× |"
    )
    refused = [(i, a) for i, a in enumerate(api, start=1) if a["refused"] + a["errors"]]
    if refused:
        first = re.search(r'"code":"([a-z_]+)"', refused[0][1].get("first_refused", ""))
        lines += [
            "",
            "Refused or failed: "
            + ", ".join(f"round {i}: {a['refused'] + a['errors']}" for i, a in refused)
            + (f"; the first answer `{first.group(1)}`" if first else "")
            + ". On a database kept with `--ecards-reuse` the codes may name an ecard that an "
            "earlier run's status-list changes suspended, and its refusal is the right answer.",
        ]
    cpu = {who: _med([_cpu_ms(a, who) for a in api]) for who in ("server", "postgres", "client")}
    pg_cpu = {who: _med([_cpu_ms(p, who) for p in pg]) for who in ("postgres", "client")}
    idle = _med([a["cpu"]["idle"] / a["cpu"]["machine"] for a in api])
    other = _med([a["cpu"]["other"] / a["cpu"]["machine"] for a in api])
    per = sum(cpu.values())
    lines += [
        "",
        f"Where the CPU goes (medians, from /proc): one verification takes {cpu['server']:.2f} "
        f"ms of the service's CPU, {cpu['postgres']:.2f} ms of PostgreSQL's and "
        f"{cpu['client']:.2f} ms of wrk's; a pgbench select takes {pg_cpu['postgres']:.3f} ms "
        f"of PostgreSQL's and {pg_cpu['client']:.3f} ms of pgbench's. On the machine's 2 cores "
        f"these costs allow about {2000 / per:,.0f} verifications a second at most, and "
        f"PostgreSQL's share alone about {2000 / cpu['postgres']:,.0f}; the target's 5,000 a "
        f"second leaves 0.4 ms of CPU for each, client included. The machine was "
        f"{1 - idle:.0%} busy during the API loads and other processes took {other:.0%} of it "
        f"(median of the rounds{_neighbours(api)}): the rates are lower by about that share, "
        "the CPU costs per verification and the ratio to pgbench (which ran beside the same "
        "neighbours) much less.",
        "",
        "`python -m benchmarks.ecards` after a run with `--ecards-reuse` (which keeps the "
        "filled database) prints the statements one verification sends, its CPU here and in "
        "PostgreSQL with one client in-process (no sockets), and a cProfile of the path by "
        "package.",
        "",
        "### Status list",
        "",
        "`GET /api/v1/ecard-status-list` timed from the client (query, packing, SM2 signature, "
        "base64 and JSON, transfer), with no other load from the benchmark: the full list, then "
        f"after a burst of {data['delta_changes']:,} ecard changes (half suspended, half back "
        "in use) the delta `?since=` the full list's as_of (it reaches back 10 s further; the "
        "rounds are 11 s apart, so a delta holds its own round's changes). "
        "The SQL alone is EXPLAIN ANALYZE of the query each runs, after the rounds.",
        "",
        "| list | median | rounds | entries | response bytes | SQL alone |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for kind, label in (("full", "full"), ("delta", "delta since the last refresh")):
        got = data["lists"][kind]
        lines.append(
            f"| {label} | {_med([x['seconds'] for x in got]) * 1000:,.0f} ms | "
            f"{', '.join(format(x['seconds'] * 1000, ',.0f') for x in got)} ms | "
            f"{_med([x['entries'] for x in got]):,.0f} | "
            f"{_med([x['bytes'] for x in got]):,.0f} | {data['plans'][kind]['ms']:,.1f} ms |"
        )
    met_api = rate >= TARGET_RATE and p99 <= TARGET_P99_MS
    met_full = full <= TARGET_FULL_S
    met_delta = delta_ms <= TARGET_DELTA_MS
    lines += [
        "",
        f"Targets (issue 14): ≥ {TARGET_RATE:,} verifications/s at 16 clients with p99 ≤ "
        f"{TARGET_P99_MS:.0f} ms; the status list of 10,000,000 ecards in ≤ {TARGET_FULL_S:.0f} "
        f"s, its delta in ≤ {TARGET_DELTA_MS:.0f} ms.",
        "",
        f"Verdict, verification: {'met' if met_api else 'NOT met'} — {rate:,.0f}/s with p99 "
        f"{p99:.1f} ms at {n:,} ecards, {ratio:.3f}× pgbench's select-only rate in the same run "
        f"({pg_rate:,.0f} tps).",
        "",
        f"Verdict, status list: full {'met' if met_full else 'NOT met'} — {full:.2f} s; delta "
        f"{'met' if met_delta else 'NOT met'} — {delta_ms:.0f} ms (at {n:,} ecards).",
        "",
    ]
    return lines


# ---- where a verification's time goes: `python -m benchmarks.ecards` after a run kept with
# --ecards-reuse ----


def _requests(folder: Path) -> list[tuple[dict[str, str], bytes]]:
    found = []
    for path in sorted(folder.glob("client-*.tsv")):
        for line in path.read_text().splitlines():
            token, stamp, signature, body = line.split("\t")
            headers = {
                "authorization": f"Bearer {token}",
                "content-type": "application/json",
                "x-sscard-timestamp": stamp,
                "x-sscard-signature": signature,
            }
            found.append((headers, body.encode()))
    return found


async def _asgi_post(app: Any, path: str, headers: dict[str, str], body: bytes) -> bytes:
    """One POST through the ASGI app, no sockets; the answer's body (an allowed use, asserted)."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 1), "server": ("bench", 80), "state": {},
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()]
        + [(b"host", b"bench"), (b"content-length", str(len(body)).encode())],
    }  # fmt: skip
    answer = {"status": 0, "body": b""}
    given = False

    async def receive() -> dict[str, Any]:
        nonlocal given
        if given:  # the request is whole; Starlette listens for a disconnect meanwhile
            await asyncio.Event().wait()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    await app(scope, receive, send)
    assert answer["status"] == 200, answer
    assert b'"allowed":true' in answer["body"], answer
    return answer["body"]


async def profile(url: str, requests: int) -> None:
    """One client in-process: the statements of one verification, the CPU it costs here and in
    PostgreSQL, then cProfile of the full path by package."""
    import cProfile
    import pstats

    from sqlalchemy import event

    from benchmarks.lifecycle import _package
    from sscard.app import create_app

    setup = json.loads((WORK / "setup.json").read_text())
    folder = WORK / "profile"
    mint(setup, setup["ecards"], 2 * requests + 201, folder)
    todo = _requests(folder)
    rt = Runtime(settings_for(url, WORK))
    app = create_app(runtime=rt)
    path = "/api/v1/scene-uses/identity"
    for headers, body in todo[:200]:  # warm: pools, statement caches, the keyring
        await _asgi_post(app, path, headers, body)
    seen: list[str] = []

    def log(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()))

    for engine in {rt.engine, rt.read_engine}:
        event.listen(engine.sync_engine, "before_cursor_execute", log)
    await _asgi_post(app, path, *todo[200])
    for engine in {rt.engine, rt.read_engine}:
        event.remove(engine.sync_engine, "before_cursor_execute", log)
    print(f"one verification sends {len(seen)} statements (BEGIN and COMMIT besides):")
    for statement in seen:
        print(f"  {statement[:150]}")
    database = make_url(url).database or ""
    with CpuMeter(os.getpid(), database) as meter:
        wall, cpu = time.perf_counter(), time.process_time()
        for headers, body in todo[201 : 201 + requests]:
            await _asgi_post(app, path, headers, body)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{requests} verifications, one client, ASGI in this process: "
        f"{cpu / requests * 1000:.2f} ms CPU here, "
        f"{meter.use['postgres'] / requests * 1000:.2f} ms PostgreSQL's, "
        f"{wall / requests * 1000:.2f} ms wall each"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for headers, body in todo[201 + requests : 201 + 2 * requests]:
        await _asgi_post(app, path, headers, body)
    profiler.disable()
    await rt.dispose()
    by_package: dict[str, float] = {}
    for (where, _, function), (_, _, own, _, _) in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
        if "poll" in function or "'send' of '_socket" in function:
            continue  # waiting for PostgreSQL, and the kernel's share of a send
        by_package[_package(where)] = by_package.get(_package(where), 0.0) + own
    total = sum(by_package.values())
    print("the full path under cProfile, own time by package (waits left out):")
    for name, own in sorted(by_package.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {name:<22} {own / total:6.1%}")


def main() -> None:
    from sscard.wiring import wire

    wire()  # the hooks and event subscribers, as every sscard process has them
    parser = argparse.ArgumentParser(description=profile.__doc__)
    parser.add_argument(
        "--postgres-url", default="postgresql://postgres@127.0.0.1:5432/sscard_bench_ecards"
    )
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(profile(args.postgres_url, args.requests))


if __name__ == "__main__":
    main()
