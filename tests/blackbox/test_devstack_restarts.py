"""`make run` (python -m devstack) from outside, started and stopped again and again in one
checkout, on SQLite and on PostgreSQL with two workers; after every stop no process of the stack
may be left (checked by the PIDs devstack reports and by every process on the machine whose
command line or environment names the test's var dir). Apart from tests/blackbox/test_devstack.py
so that `make test`'s workers can run the two at once: these are the longest of the suite."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.blackbox.devstack_support import (
    SIGNALS,
    Running,
    alive,
    fresh_postgres_database,
    stack_env,
    stack_processes,
    start,
)

# Three starts in one checkout: the second and third find the first's database, token and files,
# and each signal (SIGINT, SIGTERM) stops a stack that was started again.
STARTS = 3
# Its own database, beside the suite's (make test: the PostgreSQL test URL + "_devstack"), so
# two checkouts testing at once on one server do not drop each other's.
PG_URL = make_url(
    os.environ.get(
        "SSCARD_DEVSTACK_TEST_URL", "postgresql://postgres@127.0.0.1:5432/sscard_devstack_test"
    )
)
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


def test_the_stack_starts_and_stops_again_and_again_in_one_checkout_on_sqlite(
    tmp_path: Path,
) -> None:
    env = stack_env(tmp_path / "var")
    _start_and_stop_again_and_again(tmp_path, env)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with fresh_postgres_database(PG_URL, PG_DATABASE) as url:
        yield url


def test_the_stack_starts_and_stops_again_and_again_on_postgresql_with_two_workers(
    tmp_path: Path, postgres_url: str
) -> None:
    # Two uvicorn workers: the stop must reach the processes sscard serve starts, too.
    env = stack_env(tmp_path / "var", SSCARD_DATABASE_URL=postgres_url, SSCARD_WORKERS="2")
    _start_and_stop_again_and_again(tmp_path, env)
