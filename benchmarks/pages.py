"""The console's pages (issue 12): the counter's person page and the card centre's dashboard,
served to signed-in staff, p99 at 8 concurrent staff next to GET /health in the same run.

On its own PostgreSQL database (the bench database's name + `_pages`), set up fresh:
- persons generated set-based (COPY), each but one in a hundred with a collected application and
  an active card, spread over the 13 cities, five banks of each city's list and the last 365
  days, so the counters hold what a year of issuing writes; the one in a hundred has an open
  application in production, due five days after it was accepted (most of them overdue);
- the counters counted from that data by the statistics' own recount (what the migration does
  for data that exists), timed;
- 8 HR clerks of 3204-HR-001 and 8 province administrators, each signed in through the staff
  service (password, then the TOTP code); a sample of persons presented their document at
  that outlet (a lookup through the API, which grants the outlet the record for 12 hours).
  "8 concurrent staff" is 8 people: wrk runs one thread and one connection per staff member,
  each with their own session cookie (each clerk's reads go to their own access-log chain).

Loads (wrk, 8 threads of 1 connection, `sscard serve --workers 2`, all on the same machine):
GET /health (the stack and one SELECT 1, the reference), GET /counter/persons/{id} over the
sample (each view reads the full record and appends to the access log), GET /dashboard (the
province, 30 days) and GET /dashboard?days=365 (a year, by month).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pyotp
from tests.support.console import make_staff

from benchmarks.generate import (
    APPLICATION_COLUMNS,
    CARD_COLUMNS,
    card_rows,
    fill_postgres,
    sample_ssns,
)
from benchmarks.run import (
    OUT,
    commit,
    fresh_postgres,
    machine_line,
    served,
    settings_for,
    wrk,
)
from sscard.actors.staff import service as staff
from sscard.kernel.actor import OPERATOR, Role
from sscard.kernel.crypto import Vault
from sscard.kernel.runtime import Runtime
from sscard.setup import set_up
from sscard.statistics import repository as statistics_repo

CONNECTIONS = 8
TARGET_P99_MS = 200.0  # issue 12: p99 at 8 concurrent staff
CLERK_OUTLET = "3204-HR-001"
BANKS_PER_CITY = 5
OPEN_EVERY = 100  # one person in a hundred has an open application instead of a card
SAMPLE = 2_000  # persons the clerk looked up, whose pages are read
PASSWORD = "Bench-Pages-2026"


def pg_url(url: str) -> str:
    return url.replace("postgresql+asyncpg", "postgresql")


def pages_url(url: str) -> str:
    base, _, name = url.rpartition("/")
    return f"{base}/{name}_pages"


async def fill_cards(url: str, persons: int, days: int = 365, chunk: int = 100) -> None:
    """Persons 1..persons: an application each at an HR outlet of a city in turn, with one of
    the city's first banks, accepted on one of the last `days` days; collected with an active
    card, except every OPEN_EVERY-th, which is still in production."""
    conn = await asyncpg.connect(url)
    try:
        outlets = await conn.fetch(
            "SELECT DISTINCT ON (o.city_code) o.id, o.city_code, c.area_code "
            "FROM outlets o JOIN cities c ON c.code = o.city_code "
            "WHERE o.kind = 'hr' ORDER BY o.city_code, o.code"
        )
        banks = {
            r["city_code"]: r["banks"]
            for r in await conn.fetch(
                "SELECT city_code, array_agg(bank_code ORDER BY bank_code) AS banks "
                "FROM city_banks GROUP BY city_code"
            )
        }
        now = datetime.now(UTC)
        rng = random.Random(13)
        group = 0
        for offset in range(1, persons + 1, chunk * 500):
            apps: list[tuple[Any, ...]] = []
            cards: list[tuple[Any, ...]] = []
            for start in range(offset, min(offset + chunk * 500, persons + 1), chunk):
                outlet = dict(outlets[group % len(outlets)])
                outlet["bank_code"] = banks[outlet["city_code"]][
                    (group // len(outlets)) % BANKS_PER_CITY
                ]
                moment = now - timedelta(days=group % days)
                for app, card in card_rows(
                    outlet, range(start, min(start + chunk, persons + 1)), moment, rng
                ):
                    apps.append(app)
                    cards.append(card)
                group += 1
            async with conn.transaction():
                await conn.copy_records_to_table(
                    "applications", records=apps, columns=APPLICATION_COLUMNS
                )
                await conn.copy_records_to_table("cards", records=cards, columns=CARD_COLUMNS)
        await conn.execute(
            f"UPDATE applications SET channel = 'hr_outlet' WHERE id % {OPEN_EVERY} <> 1"
        )
        await conn.execute(f"DELETE FROM cards WHERE application_id % {OPEN_EVERY} = 0")
        await conn.execute(
            "UPDATE applications SET status = 'in_production', making = 'fast', "
            f"due_date = accepted_on + 5 WHERE id % {OPEN_EVERY} = 0"
        )
        for table in ("applications", "cards"):
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {persons})")
        for name in ("card_number", "application_reference"):
            await conn.execute(f"SELECT setval('seq_{name}', {persons})")
        await conn.execute("VACUUM ANALYZE applications")
        await conn.execute("VACUUM ANALYZE cards")
    finally:
        await conn.close()


async def enrolled(rt: Runtime, username: str, role: Role, **binding: Any) -> dict[str, str]:
    """A staff account with a known password and TOTP (the browser tests' own), signed in
    through the staff service: its session cookie and an API token of the same actor."""
    member = await make_staff(rt, username, role, display_name=f"压测{username}", **binding)
    async with rt.unit(OPERATOR) as ctx:
        outcome = await staff.sign_in(ctx, username, member.password, client=None)
    assert outcome.token is not None, outcome.refusal
    async with rt.unit(OPERATOR) as ctx:
        code = pyotp.TOTP(member.secret).now()
        cookie, refusal = await staff.second_factor(ctx, outcome.token, code)
    assert cookie is not None, refusal  # the session moves to a new token with both factors
    return {"cookie": cookie, "token": member.token}


async def prepare(
    url: str, var: Path, vault_key: str, persons: int, reuse: bool = False
) -> dict[str, Any]:
    """The database filled (or, with `reuse`, kept from the last run at the same size: the
    fill takes minutes at 1 M) and the staff signed in afresh (names unique to this run)."""
    kept = var / "filled.json"
    filled = json.loads(kept.read_text()) if reuse and kept.exists() else {}
    reused = filled.get("persons_arg") == persons and filled.get("url") == url
    if not reused:
        filled = await _fill(url, var, vault_key, persons)
        kept.write_text(json.dumps(filled))
    rt = Runtime(settings_for(url, var))
    run_id = f"{time.time_ns():x}"[-8:]
    try:
        if reused:  # the schema and reference data of this commit (set-up is idempotent)
            await set_up(rt)
        clerks = [
            await enrolled(
                rt, f"bench.clerk{n}.{run_id}", Role.OUTLET_CLERK, outlet_code=CLERK_OUTLET
            )
            for n in range(CONNECTIONS)
        ]
        admins = [
            await enrolled(rt, f"bench.admin{n}.{run_id}", Role.PROVINCE_ADMIN)
            for n in range(CONNECTIONS)
        ]
    finally:
        await rt.dispose()
    return {"clerks": clerks, "admins": admins, **filled, "reused": reused}


async def _fill(url: str, var: Path, vault_key: str, persons: int) -> dict[str, Any]:
    await fresh_postgres(url)
    rt = Runtime(settings_for(url, var))
    try:
        await set_up(rt)
        t = time.perf_counter()
        await fill_postgres(pg_url(url), Vault(bytes.fromhex(vault_key)), 0, persons)
        await fill_cards(pg_url(url), persons)
        generated_s = time.perf_counter() - t
        t = time.perf_counter()
        async with rt.unit(OPERATOR) as ctx:
            counters = await statistics_repo.recount(ctx.conn)
        recount_s = time.perf_counter() - t
    finally:
        await rt.dispose()
    conn = await asyncpg.connect(pg_url(url))
    try:
        await conn.execute("VACUUM ANALYZE statistics_daily")
        sizes = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM persons) AS persons, (SELECT count(*) FROM cards) AS "
            "cards, (SELECT count(*) FROM applications WHERE status = 'in_production') AS open"
        )
    finally:
        await conn.close()
    return {
        "url": url,
        "filled_at": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
        "persons_arg": persons,
        "generated_s": generated_s,
        "recount_s": recount_s,
        "counters": counters,
        **dict(sizes),
    }


def look_up(base: str, token: str, ssns: list[str]) -> list[int]:
    """The sample's holders present their document at the clerk's counter (POST lookup)."""
    found = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        for ssn in ssns:
            r = client.post("/api/v1/persons/lookup", json={"social_security_number": ssn})
            r.raise_for_status()
            found.append(int(r.json()["person_id"]))
    return found


def run(url: str, vault_key: str, args: argparse.Namespace) -> dict[str, Any]:
    url = pages_url(url)
    var = OUT / "pages"
    var.mkdir(parents=True, exist_ok=True)
    persons = args.pages_persons
    ready = asyncio.run(prepare(url, var, vault_key, persons, args.pages_reuse))
    print(f"pages: {ready['persons']} persons, {ready['cards']} cards ready", flush=True)
    rows = []
    with served(settings_for(url, var), workers=2) as base:
        ids = look_up(base, ready["clerks"][0]["token"], sample_ssns(SAMPLE, persons))
        (var / "person_ids.txt").write_text("\n".join(map(str, ids)) + "\n")
        checked = ["/dashboard", *(f"/counter/persons/{i}" for i in ids[:20])]
        for page in checked:  # every page the load reads answers 200 before it starts
            cookie = ready["admins" if page == "/dashboard" else "clerks"][0]["cookie"]
            answer = httpx.get(base + page, cookies={"sscard_session": cookie})
            assert answer.status_code == 200, (page, answer.status_code, answer.text[:300])
        cookies = {k: ",".join(m["cookie"] for m in ready[k]) for k in ("clerks", "admins")}
        loads = [
            ("GET /health (stack + SELECT 1)", None, {}),
            (
                "GET /counter/persons/{id} (clerk)",
                "pages.lua",
                {"COOKIES": cookies["clerks"], "IDS_FILE": str(var / "person_ids.txt")},
            ),
            ("GET /dashboard (province, 30 days)", "pages.lua", {
                "COOKIES": cookies["admins"], "PAGE": "/dashboard"}),
            ("GET /dashboard?days=365 (province, by month)", "pages.lua", {
                "COOKIES": cookies["admins"], "PAGE": "/dashboard?days=365"}),
        ]  # fmt: skip
        for _ in range(args.pages_rounds):
            for name, script, env in loads:
                target = base if script else base + "/health"
                r = wrk(target, script, CONNECTIONS, args.pages_seconds, env, threads=CONNECTIONS)
                rows.append({"load": name, **{k: v for k, v in r.items() if k != "raw"}})
                print(name, r["rate"], r["p99_ms"], r["errors"], flush=True)
    return {
        "measured_at": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
        "persons_arg": persons,
        "reused": ready["reused"],
        "filled_at": ready.get("filled_at", ""),
        "persons": ready["persons"],
        "cards": ready["cards"],
        "open": ready["open"],
        "counters": ready["counters"],
        "generated_s": ready["generated_s"],
        "recount_s": ready["recount_s"],
        "seconds": args.pages_seconds,
        "rounds": args.pages_rounds,
        "connections": CONNECTIONS,
        "machine": machine_line(),
        "commit": commit(),
        "rows": rows,
    }


def report_section(data: dict[str, Any]) -> list[str]:
    loads: dict[str, list[dict[str, Any]]] = {}
    for row in data["rows"]:
        loads.setdefault(row["load"], []).append(row)
    lines = [
        "## The console's pages (issue 12)",
        "",
        f"Measured {data['measured_at']} UTC with `python -m benchmarks.run --only pages "
        f"--pages-persons {data['persons_arg']} "
        f"--pages-seconds {data['seconds']} --pages-rounds {data['rounds']}"
        f"{' --pages-reuse' if data.get('reused') else ''}` on PostgreSQL, "
        f"code at commit {data['commit']}"
        + (
            " (the database filled by an earlier run"
            f"{' at ' + data['filled_at'] + ' UTC' if data.get('filled_at') else ''},"
            " brought to this commit's schema by its set-up)."
            if data.get("reused")
            else "."
        ),
        "",
        f"Machine: {data['machine']}.",
        "",
        f"{data['persons']:,} persons and {data['cards']:,} active cards over the 13 cities, "
        f"five banks each and the last 365 days, {data['open']:,} applications in production "
        f"(generated set-based with COPY in {data['generated_s']:.0f} s); the statistics' "
        f"recount from them took {data['recount_s']:.1f} s and left {data['counters']:,} "
        f"counter rows. {data['connections']} concurrent staff, each signed in through the "
        "staff service (password and TOTP) and each on their own wrk thread and connection "
        "with their own session cookie, against `sscard serve --workers 2` on the same "
        f"machine. The person page is read by {data['connections']} HR clerks of one outlet "
        "for persons who presented their document there (a sample of 2,000, each view logged "
        f"in the reader's access-log chain); the dashboard by {data['connections']} province "
        "administrators. Medians over the rounds; each load's p99 is shown next to GET /health "
        "measured in the same run. The dashboard's sums of days before today are read once per "
        "worker process and day (statistics.service): the loads measure the views that follow; "
        "the first view of a day reads them all.",
        "",
        "| page | rate (/s) | p50 ms | p99 ms | non-2xx or timed out | p99 / GET /health p99 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    reference = _median([r["p99_ms"] for r in loads.get("GET /health (stack + SELECT 1)", [])])
    for name, rows in loads.items():
        p99 = _median([r["p99_ms"] for r in rows])
        ratio = f"{p99 / reference:.1f}×" if reference else "-"
        lines.append(
            f"| {name} | {_median([r['rate'] for r in rows]):,.0f} | "
            f"{_median([r['p50_ms'] for r in rows]):.2f} | {p99:.2f} | "
            f"{sum(r['errors'] for r in rows)} | {ratio} |"
        )
    pages = [n for n in loads if not n.startswith("GET /health")]
    worst = max((_median([r["p99_ms"] for r in loads[n]]) for n in pages), default=0.0)
    met = worst <= TARGET_P99_MS and all(r["errors"] == 0 for n in pages for r in loads[n])
    lines += [
        "",
        f"Target (issue 12): the person page and the dashboard at 1 M persons and 1 M cards "
        f"answer with p99 ≤ {TARGET_P99_MS:.0f} ms at {CONNECTIONS} concurrent staff.",
        "",
        f"Verdict at {data['persons']:,} persons: {'met' if met else 'NOT met'} — the slowest "
        f"page's p99 is {worst:.1f} ms.",
        "",
    ]
    return lines


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
