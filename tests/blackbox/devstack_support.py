"""`python -m devstack` (what `make run` starts) driven from outside, and the processes it leaves.

A process belongs to a test's stack when its command line or its environment names the test's
var directory (every child gets SSCARD_VAR_DIR or a path under it).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import URL

from tests.support.postgres import recreate_database
from tests.support.serving import free_port

# Bounds that only end a stuck test, not measures: with `make test`'s runs side by side on two
# cores, a stack's five processes have taken over a minute to come up.
READY_SECONDS = 180.0
STOP_SECONDS = 30.0


def stack_env(var: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "SSCARD_ACCESS_LOG": "0", "SSCARD_LOG_LEVEL": "warning"}
    env.pop("SSCARD_DATABASE_URL", None)
    env.update(
        SSCARD_VAR_DIR=str(var),
        SSCARD_PORT=str(free_port()),
        SSCARD_SIM_PORT=str(free_port()),
        SSCARD_DELTA_SIM_PORT=str(free_port()),
    )
    env.update(extra)
    return env


@dataclass
class Running:
    proc: subprocess.Popen[bytes]
    var: Path
    log: Path
    sscard: str
    sim: str
    children: dict[str, int]

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def said(self) -> list[str]:
        """devstack's own lines, without its children's logs."""
        return [line for line in self.output().splitlines() if line.startswith("devstack: ")]

    def stop(self, signum: int) -> int:
        """Signal devstack and wait for it; its exit code."""
        self.proc.send_signal(signum)
        try:
            return self.proc.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"devstack did not stop on {signum}:\n{self.output()}") from None


def start(env: dict[str, str], log: Path, *args: str) -> Running:
    """Start devstack; returns once sscard and the simulator both answer /health."""
    var = Path(env["SSCARD_VAR_DIR"])
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "devstack", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # the test's terminal signals are not the stack's
        )
    deadline = time.monotonic() + READY_SECONDS
    with httpx.Client(timeout=2) as http:
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"devstack exited {proc.returncode}:\n{log.read_text()}")
            state = _state(var)
            if (
                state
                and len(state["children"]) == 3
                and all(
                    _answers(http, state[url]) for url in ("sscard_url", "sim_url", "delta_url")
                )
            ):
                urls, children = (state["sscard_url"], state["sim_url"]), state["children"]
                return Running(proc, var, log, *urls, children)  # type: ignore[arg-type]
            if time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"the stack did not come up:\n{log.read_text()}")
            time.sleep(0.05)


def _state(var: Path) -> dict[str, object] | None:
    try:
        loaded: dict[str, object] = json.loads((var / "devstack.json").read_text())
    except (OSError, ValueError):
        return None
    return loaded


def _answers(http: httpx.Client, base: object) -> bool:
    try:
        return http.get(f"{base}/health").status_code == 200
    except httpx.HTTPError:
        return False


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped has stopped running)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


def stack_processes(var: Path) -> list[str]:
    """Every live process whose command line or environment names `var`: pid and command."""
    needle = str(var).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if (needle in cmdline or needle in environ) and alive(int(entry.name)):
            command = cmdline.replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{entry.name} {command}")
    return found


def wait_until_gone(var: Path, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := stack_processes(var)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def fresh_postgres_database(server: URL, name: str) -> Iterator[str]:
    """The URL of database `name` on `server`, created afresh and dropped on leaving; the test
    is skipped when PostgreSQL cannot be reached."""
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        asyncio.run(recreate_database(url, connect_seconds=3))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        pytest.skip(f"PostgreSQL is not reachable at {server.host} ({type(exc).__name__})")
    yield url
    asyncio.run(recreate_database(url, drop_only=True, connect_seconds=3))
