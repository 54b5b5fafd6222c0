"""`make run` (python -m devstack) from outside: production data through the stack; a taken
port; devstack killed; a child dying on its own (started and stopped again and again: in
tests/blackbox/test_devstack_restarts.py).
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
from datetime import date
from pathlib import Path

import httpx
import nats
import nats.js.errors
import pytest

from tests.blackbox.bank_stack import Stack, produced_card, wait_for
from tests.blackbox.devstack_support import (
    alive,
    stack_env,
    stack_processes,
    start,
    wait_until_gone,
)

NATS_URL = "nats://127.0.0.1:4222"


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
