"""No personal data in clear at rest, anywhere a full stack writes (issue 11, SPEC ID-6).

A whole stack runs as `make run` starts it (devstack: sscard on SQLite or PostgreSQL, the bank
simulator on SQLite), and once more with each process started by hand from a parent whose umask is
022, as the other black-box tests do, so that each process is seen to make its own files private.
Generated persons are registered with a phone, apply at an instant outlet, their cards are made
and the production data goes to the simulated bank, which opens accounts and reports the numbers
back; the cards are collected, one activated at the bank's counter, a reconciliation run fetches
the bank's statement, and ten years on the expiry reminders go out as SMS files.

Then every table of sscard's database and of the simulator's, and every file under the data
directory (the databases with their WAL and shared memory, the logs, the notification files, the
JSON and key files) is read, while the stack runs and again once it has stopped: no generated
citizen number, name, phone or account number may appear in clear, neither as UTF-8 text nor in
the raw bytes under another encoding (UTF-16, GB18030, JSON's \\u escapes), and every file must be
0600, every folder 0700.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import secrets
import signal
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from sscard.platform.outbox.signing import signed_headers
from sscard.registry.photo import make_standard_photo
from tests.blackbox.bank_stack import FAST, Stack, bank_stack, wait_for
from tests.blackbox.devstack_support import (
    fresh_postgres_database,
    stack_env,
    stack_processes,
    start,
)
from tests.support.numbers import citizen_number

INSTANT_OUTLET = "3204-HR-001"  # Changzhou: the card is made at once (SPEC APP-2)
PERSONS = 3
# Uncommon characters, so that a generated name is found only where it was written.
NAME_CHARACTERS = "璇琪瑾瑜珂玥珺琰璟瑛琮璞瑄琛璐璘瑀珩琬瑗"
PG_URL = make_url(
    os.environ.get(
        "SSCARD_DEVSTACK_TEST_URL", "postgresql://postgres@127.0.0.1:5432/sscard_devstack_test"
    )
)
PG_DATABASE = f"{PG_URL.database}_clear"


@dataclass(frozen=True)
class Person:
    name: str
    number: str
    phone: str


def _persons() -> list[Person]:
    def name() -> str:
        return "隐" + "".join(secrets.choice(NAME_CHARACTERS) for _ in range(3))

    phones = ["139" + "".join(secrets.choice("0123456789") for _ in range(8)) for _ in range(9)]
    return [
        Person(name(), citizen_number(date(1970 + i, 3, 1 + i)), phones[i]) for i in range(PERSONS)
    ]


# ---- the scenario ----


def _run_scenario(stack: Stack, persons: list[Person]) -> list[str]:
    """Register, apply, make, deliver to the bank and hear it back, collect, activate,
    reconcile, remind by SMS; returns the account numbers the bank opened."""
    clerk = stack.token("outlet_clerk", "--outlet", INSTANT_OUTLET)
    with httpx.Client(base_url=stack.base, timeout=10) as http:
        applied = [_apply(http, clerk, p, n) for n, p in enumerate(persons)]

        def all_opened() -> bool:
            states = [stack.card(http, card)["financial_status"] for _, card in applied]
            return states == ["account_opened"] * len(applied)

        wait_for(all_opened, timeout=30, what="the bank's account_opened reports")
        for (reference, _), person in zip(applied, persons, strict=True):
            document = {"type": "resident_id", "number": person.number}
            r = http.post(
                f"/api/v1/applications/{reference}/collect",
                headers=clerk,
                json={"document": document},
            )
            assert r.status_code == 200, r.text
        first = applied[0][1]
        assert stack.teller("ICBC", first, "activate").status_code == 200
        wait_for(
            lambda: stack.card(http, first)["financial_status"] == "active",
            timeout=30,
            what="the bank's activation report",
        )
        numbers = _statement_numbers(stack, [card for _, card in applied])
        r = http.post(
            "/api/v1/banks/ICBC/reconciliations", headers=stack.admin, json={"source": "api"}
        )
        assert r.status_code in (200, 201), r.text
        _remind_ten_years_on(stack, http)
    return numbers


def _apply(http: httpx.Client, clerk: dict[str, str], person: Person, n: int) -> tuple[str, str]:
    body = {
        "name": person.name,
        "document": {"type": "resident_id", "number": person.number},
        "city_code": "3204",
        "phone": person.phone,
    }
    r = http.post("/api/v1/persons", headers=clerk, json=body)
    assert r.status_code == 201, r.text
    pid = r.json()["person_id"]
    photo = http.put(
        f"/api/v1/persons/{pid}/photo",
        headers={**clerk, "Content-Type": "image/jpeg"},
        content=make_standard_photo(100 + n),
    )
    assert photo.status_code == 200, photo.text
    r = http.post(
        "/api/v1/applications", headers=clerk, json={"person_id": pid, "bank_code": "ICBC"}
    )
    assert r.status_code == 201, r.text
    return r.json()["reference"], r.json()["card"]["card_number"]


def _statement_numbers(stack: Stack, cards: list[str]) -> list[str]:
    """The account numbers as the bank gives them in its signed statement, whole."""
    secret = bytes.fromhex(
        json.loads((stack.var / "bank-sim.json").read_text())["banks"]["ICBC"]["secret_hex"]
    )
    headers = signed_headers(secret, datetime.now(UTC), b"")
    r = httpx.get(f"{stack.sim}/banks/ICBC/statement", headers=headers)
    assert r.status_code == 200, r.text
    rows = {row["card_number"]: row for row in csv.DictReader(io.StringIO(r.text))}
    numbers = [rows[card]["account_number"] for card in cards]
    assert all(len(n) == 19 for n in numbers)
    return numbers


def _remind_ten_years_on(stack: Stack, http: httpx.Client) -> None:
    """SPEC ISS-7: the financial function expires after ten years; each holder gets an SMS."""
    moved = http.post("/api/v1/clock/advance", headers=stack.admin, json={"days": 3660})
    assert moved.status_code == 200, moved.text
    now = http.get("/api/v1/clock", headers=stack.admin).json()["now"]
    httpx.post(f"{stack.sim}/control/clock", json={"now": now})  # signatures stay in time
    r = http.post("/api/v1/cards/expiry-reminders", headers=stack.admin)
    assert r.status_code == 200, r.text
    assert r.json()["queued"] >= PERSONS
    r = http.post("/api/v1/notifications/deliver", headers=stack.admin, json={})
    assert r.status_code == 200, r.text
    wait_for(
        lambda: any((stack.var / "notifications").glob("sms-*.jsonl")),
        what="the SMS file",
    )


# ---- looking for what must not be there ----


def _forms(value: str) -> set[bytes]:
    """The bytes a value may be written as: UTF-8, JSON's ASCII escapes, UTF-16, GB18030."""
    escaped = json.dumps(value)[1:-1]
    return {
        value.encode(),
        escaped.encode(),
        escaped.upper().replace("\\U", "\\u").encode(),
        value.encode("utf-16-le"),
        value.encode("utf-16-be"),
        value.encode("gb18030"),
    }


def _found(blob: bytes, secrets_: dict[str, str]) -> list[str]:
    return [what for what, value in secrets_.items() if any(f in blob for f in _forms(value))]


def _secrets(persons: list[Person], accounts: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for n, p in enumerate(persons):
        found |= {f"name {n}": p.name, f"number {n}": p.number, f"phone {n}": p.phone}
    found |= {f"account {n}": a for n, a in enumerate(accounts)}
    return found


def _check_files(var: Path, secrets_: dict[str, str]) -> list[str]:
    """Every file under the data directory: its mode, and its bytes."""
    faults = []
    for path in sorted(var.rglob("*")):
        mode = stat.S_IMODE(path.lstat().st_mode)
        if path.is_dir():
            if mode != 0o700:
                faults.append(f"{path.relative_to(var)}/ is {mode:o}, not 700")
            continue
        if mode != 0o600:
            faults.append(f"{path.relative_to(var)} is {mode:o}, not 600")
        for what in _found(path.read_bytes(), secrets_):
            faults.append(f"{path.relative_to(var)} holds {what} in clear")
    return faults


def _cell_bytes(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value, default=str, ensure_ascii=False).encode()


def _check_rows(
    where: str, tables: dict[str, list[tuple[Any, ...]]], secrets_: dict[str, str]
) -> list[str]:
    faults = []
    for table, rows in tables.items():
        for row in rows:
            for cell in row:
                for what in _found(_cell_bytes(cell), secrets_):
                    faults.append(f"{where} table {table} holds {what} in clear")
    return sorted(set(faults))


def _sqlite_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [n for (n,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: raw.execute(f'SELECT * FROM "{n}"').fetchall() for n in names}
    finally:
        raw.close()


async def _postgres_tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        names = await conn.fetch(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        return {
            n["table_name"]: [tuple(r) for r in await conn.fetch(f'SELECT * FROM "{n[0]}"')]
            for n in names
        }
    finally:
        await conn.close()


def _check_everything(
    var: Path, sim_db: Path, secrets_: dict[str, str], postgres: str | None, running: bool
) -> None:
    # Files first: opening a database here would add files made by this process.
    faults = _check_files(var, secrets_)
    if running:  # read while the WAL still holds the latest pages
        sscard = (
            asyncio.run(_postgres_tables(postgres))
            if postgres
            else _sqlite_tables(var / "sscard.db")
        )
        assert len(sscard) > 20, sorted(sscard)  # every table, not a few
        sim = _sqlite_tables(sim_db)
        assert {"sim_accounts", "sim_reports", "sim_received"} <= set(sim)
        faults += _check_rows("sscard", sscard, secrets_)
        faults += _check_rows("simulator", sim, secrets_)
    assert faults == [], "\n".join(faults)


# ---- the stacks ----


@contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with fresh_postgres_database(PG_URL, PG_DATABASE) as url:
        yield url


def _through_devstack(tmp_path: Path, postgres: str | None) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o700)
    extra = {**FAST, "SSCARD_CLOCK": "adjustable", "SSCARD_LOG_LEVEL": "info"}
    if postgres:
        extra["SSCARD_DATABASE_URL"] = postgres
    env = stack_env(var, **extra, SSCARD_ACCESS_LOG="1")
    # What `make run` prints to the terminal, kept here to be read; this test makes the file.
    log = var / "devstack.log"
    os.close(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    persons = _persons()
    with _umask(0o022):
        running = start(env, log)
    try:
        admin = {"Authorization": "Bearer " + (var / "admin.token").read_text().strip()}
        stack = Stack(var, env, running.sscard, running.sim, admin)
        accounts = _run_scenario(stack, persons)
        secrets_ = _secrets(persons, accounts)
        _check_everything(var, var / "bank-sim.db", secrets_, postgres, running=True)
    finally:
        assert running.stop(signal.SIGTERM) == 0, running.output()
    assert stack_processes(var) == []
    assert "account_opened" in log.read_text()  # the logs were written, and are scanned
    _check_everything(var, var / "bank-sim.db", secrets_, postgres, running=False)


def test_nothing_personal_in_clear_after_a_stack_run_on_sqlite(tmp_path: Path) -> None:
    _through_devstack(tmp_path, None)


def test_nothing_personal_in_clear_after_a_stack_run_on_postgresql(
    tmp_path: Path, postgres_url: str
) -> None:
    _through_devstack(tmp_path, postgres_url)


def test_each_process_started_alone_keeps_its_files_private(tmp_path: Path) -> None:
    """The service and the simulator started one by one from a parent with umask 022 (not by
    devstack, whose umask they would inherit): their files are private all the same."""
    var = tmp_path / "bank"
    var.mkdir(mode=0o700)
    persons = _persons()
    with _umask(0o022), bank_stack(var, extra_env={"SSCARD_LOG_LEVEL": "info"}) as stack:
        accounts = _run_scenario(stack, persons)
        secrets_ = _secrets(persons, accounts)
        _check_everything(var, var / "sim.db", secrets_, None, running=True)
    _check_everything(var, var / "sim.db", secrets_, None, running=False)
