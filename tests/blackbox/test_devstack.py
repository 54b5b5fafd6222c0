"""`make run` (python -m devstack) from outside: started and stopped again and again in one
checkout, on SQLite and on PostgreSQL; a taken port; devstack killed; a child dying on its own.
After every stop no process of the stack may be left: checked by the PIDs devstack reports and
by every process on the machine whose command line or environment names the test's var dir."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import asyncpg
import httpx
import nats
import nats.js.errors
import pytest
from sqlalchemy.engine import make_url

from tests.blackbox.bank_stack import Stack, produced_card, wait_for
from tests.blackbox.devstack_support import (
    SIGNALS,
    Running,
    alive,
    stack_env,
    stack_processes,
    start,
    wait_until_gone,
)

STARTS = 5
NATS_URL = "nats://127.0.0.1:4222"
# Its own database, beside the suite's (make test: the PostgreSQL test URL + "_devstack"), so
# two checkouts testing at once on one server do not drop each other's.
PG_URL = make_url(
    os.environ.get(
        "SSCARD_DEVSTACK_TEST_URL", "postgresql://postgres@127.0.0.1:5432/sscard_devstack_test"
    )
)
PG_SERVER = {"host": PG_URL.host, "port": PG_URL.port or 5432, "user": PG_URL.username}
PG_DATABASE = PG_URL.database


def _both_answer(running: Running) -> None:
    with httpx.Client(timeout=5) as http:
        assert http.get(f"{running.sscard}/health").status_code == 200
        sim = http.get(f"{running.sim}/health").json()
        assert "ICBC" in sim["banks"]
        # sscard's delivery endpoint for the bank points at this very simulator
        token = (running.var / "admin.token").read_text().strip()
        admin = {"Authorization": f"Bearer {token}"}
        endpoints = http.get(f"{running.sscard}/api/v1/delivery-endpoints", headers=admin)
        icbc = next(e for e in endpoints.json() if e["recipient"] == "ICBC")
        assert icbc["url"] == f"{running.sim}/banks/ICBC/webhook"


def _start_and_stop_again_and_again(tmp_path: Path, env: dict[str, str]) -> None:
    var = Path(env["SSCARD_VAR_DIR"])
    for n in range(STARTS):
        signum = SIGNALS[n % 2]
        running = start(env, tmp_path / f"devstack-{n}.log")
        _both_answer(running)

        code = running.stop(signum)

        assert code == 0, running.output()
        assert [p for p in running.children.values() if alive(p)] == []
        assert stack_processes(var) == []
        assert running.said()[-1] == f"devstack: stopped on {signal.Signals(signum).name}"


def test_the_stack_starts_and_stops_five_times_in_one_checkout_on_sqlite(tmp_path: Path) -> None:
    env = stack_env(tmp_path / "var")
    _start_and_stop_again_and_again(tmp_path, env)


@pytest.mark.parametrize("transport", ["http", "nats"])
def test_the_stack_delivers_production_data_and_the_account_comes_back(
    tmp_path: Path, transport: str
) -> None:
    """What the README's walk-through shows after `make run` (RUN_ARGS="--transport nats"):
    SPEC ISS-2 through the stack."""
    var = tmp_path / "var"
    tag = uuid.uuid4().hex[:8]
    stream = f"SSCARD_DEVSTACK_{tag.upper()}"
    env = stack_env(var, SSCARD_NATS_STREAM=stream, SSCARD_NATS_SUBJECT_PREFIX=f"sscard.ds{tag}")
    running = start(env, tmp_path / "devstack.log", "--transport", transport)
    try:
        admin = {"Authorization": "Bearer " + (var / "admin.token").read_text().strip()}
        stack = Stack(var, env, running.sscard, running.sim, admin)
        clerk = stack.token("outlet_clerk", "--outlet", "3204-HR-001")
        with httpx.Client(base_url=running.sscard, timeout=10) as http:
            card = produced_card(stack, http, clerk, date(1987, 1, 2))["card"]["card_number"]
            opened = wait_for(
                lambda: (c := stack.card(http, card))["financial_status"] == "account_opened" and c,
                what="the simulated bank's account_opened report",
            )
        assert opened["account"].startswith("6222")
        assert stack.sim_stats()["messages"]["applied"] == 1
        # SPEC YRD-1, YRD-3: Shanghai's simulated node asks sscard about the card, signed.
        state = json.loads((var / "devstack.json").read_text())
        question = {"card_number": card, "issuer_region": "320400", "use": "identity",
                    "place_code": "3101"}  # fmt: skip
        asked = httpx.post(f"{state['delta_url']}/control/provinces/31/ask", json=question,
                           timeout=10).json()  # fmt: skip
        assert (asked["status_code"], asked["signature_holds"]) == (200, True), asked
        assert (asked["answer"]["known"], asked["answer"]["code"]) == (True, "not_collected")
    finally:
        assert running.stop(signal.SIGINT) == 0
        if transport == "nats":
            asyncio.run(_delete_stream(stream))
    assert stack_processes(var) == []


async def _delete_stream(name: str) -> None:
    nc = await nats.connect(NATS_URL, max_reconnect_attempts=1)
    try:
        with contextlib.suppress(nats.js.errors.NotFoundError):
            await nc.jetstream().delete_stream(name)
    finally:
        await nc.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    async def recreate(drop_only: bool = False) -> None:
        conn = await asyncpg.connect(database="postgres", timeout=3, **PG_SERVER)  # type: ignore[arg-type]
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
            if not drop_only:
                await conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
        finally:
            await conn.close()

    try:
        asyncio.run(recreate())
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL.host} ({type(exc).__name__})")
    yield PG_URL.render_as_string(hide_password=False)
    asyncio.run(recreate(drop_only=True))


def test_the_stack_starts_and_stops_five_times_on_postgresql_with_two_workers(
    tmp_path: Path, postgres_url: str
) -> None:
    # Two uvicorn workers: the stop must reach the processes sscard serve starts, too.
    env = stack_env(tmp_path / "var", SSCARD_DATABASE_URL=postgres_url, SSCARD_WORKERS="2")
    _start_and_stop_again_and_again(tmp_path, env)


@pytest.mark.parametrize("variable", ["SSCARD_SIM_PORT", "SSCARD_DELTA_SIM_PORT", "SSCARD_PORT"])
def test_a_taken_port_stops_at_once_with_one_line_naming_it(tmp_path: Path, variable: str) -> None:
    var = tmp_path / "var"
    env = stack_env(var)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", int(env[variable])))
        holder.listen()
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "devstack"], env=env, capture_output=True, text=True, timeout=30
        )
        took = time.monotonic() - started

    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    assert env[variable] in line
    assert variable in line
    assert took < 5
    assert not (var / "sscard.db").exists()  # not even the set-up ran
    assert stack_processes(var) == []


def test_devstack_killed_leaves_no_child_behind(tmp_path: Path) -> None:
    var = tmp_path / "var"
    running = start(stack_env(var, SSCARD_WORKERS="2"), tmp_path / "devstack.log")
    assert len(stack_processes(var)) >= 4  # devstack, the simulator, sscard and its workers

    running.proc.kill()  # SIGKILL: devstack can forward nothing
    running.proc.wait(timeout=10)

    assert wait_until_gone(var, 20) == []
    assert [p for p in running.children.values() if alive(p)] == []


def test_a_child_dying_on_its_own_stops_the_other_and_says_why(tmp_path: Path) -> None:
    var = tmp_path / "var"
    running = start(stack_env(var), tmp_path / "devstack.log")
    sim = running.children["bank simulator"]

    os.kill(sim, signal.SIGKILL)
    code = running.proc.wait(timeout=30)

    assert code == 1
    assert running.said()[-1] == (
        f"devstack: bank simulator (pid {sim}) was killed by SIGKILL; stopping delta "
        "simulator, sscard"
    )
    assert stack_processes(var) == []


def test_stopped_during_its_set_up_it_stops_what_runs_and_starts_nothing(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = stack_env(var)
    log = tmp_path / "devstack.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "devstack"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 30
    while not any(" -m sscard setup" in p for p in stack_processes(var)):
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.01)

    proc.send_signal(signal.SIGINT)

    assert proc.wait(timeout=30) == 0, log.read_text()
    assert stack_processes(var) == []
    assert not (var / "bank-sim.json").exists()  # it went no further than the set-up
