"""The service, its worker and the bank simulator as real processes, started one by one (as
`make run` does, but each under the test's hand: the fault tests kill and restart the service)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from sscard.registry.photo import make_standard_photo
from tests.support.numbers import citizen_number
from tests.support.serving import free_port

# Small backoffs and leases, so that faults heal within a test's patience.
FAST = {
    "SSCARD_DELIVERY_BACKOFF_BASE": "0.2",
    "SSCARD_DELIVERY_BACKOFF_MAX": "1",
    "SSCARD_DELIVERY_LEASE_SECONDS": "2",
    "SSCARD_DELIVERY_POLL_SECONDS": "0.05",
}
SIM_FAST = {"retry_base_seconds": 0.1, "retry_max_seconds": 1.0, "poll_seconds": 0.05}


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "sscard", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def wait_for(check: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    """Poll until `check` answers something true; the answer is returned."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@dataclass
class Stack:
    var: Path
    env: dict[str, str]
    base: str
    sim: str
    admin: dict[str, str]
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start_service(self) -> None:
        self.procs["service"] = _spawn(self.env, "serve")
        _healthy(self.base)

    def kill_service(self) -> None:
        proc = self.procs.pop("service")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def start_sim(self) -> None:
        args = ["serve", "--config", str(self.var / "bank-sim.json")]
        args += ["--port", self.sim.rsplit(":", 1)[1], "--db", str(self.var / "sim.db")]
        self.procs["sim"] = _spawn(self.env, *args, module="bank_simulator")
        _healthy(self.sim)

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            proc.wait(timeout=15)

    def token(self, role: str, *extra: str) -> dict[str, str]:
        made = json.loads(cli(self.env, "token", "create", "--role", role, "--name", "bb", *extra))
        return {"Authorization": f"Bearer {made['token']}"}

    def card(self, http: httpx.Client, number: str) -> dict[str, Any]:
        r = http.get(f"/api/v1/cards/{number}", headers=self.admin)
        assert r.status_code == 200, r.text
        return dict(r.json())

    def outbox_stats(self, http: httpx.Client) -> dict[str, Any]:
        r = http.get("/api/v1/outbox/stats", headers=self.admin)
        assert r.status_code == 200, r.text
        return dict(r.json())

    def sim_stats(self, bank: str = "ICBC") -> dict[str, Any]:
        return dict(httpx.get(f"{self.sim}/banks/{bank}/stats").json())

    def teller(self, bank: str, number: str, action: str, **body: Any) -> httpx.Response:
        return httpx.post(f"{self.sim}/banks/{bank}/teller/cards/{number}/{action}", json=body)


def _spawn(env: dict[str, str], *args: str, module: str = "sscard") -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _healthy(base: str) -> None:
    def up() -> bool:
        try:
            return httpx.get(base + "/health").status_code == 200
        except httpx.TransportError:
            return False

    wait_for(up, timeout=120, what=f"{base} to start")


@contextmanager
def bank_stack(
    var: Path, transport: str = "http", extra_env: dict[str, str] | None = None
) -> Iterator[Stack]:
    port, sim_port = free_port(), free_port()
    env = {
        **os.environ,
        **FAST,
        **(extra_env or {}),
        "SSCARD_VAR_DIR": str(var),
        "SSCARD_PORT": str(port),
        "SSCARD_CLOCK": "adjustable",
        "SSCARD_ACCESS_LOG": "0",
    }
    env.pop("SSCARD_DATABASE_URL", None)
    cli(env, "setup", "--admin-token-file", str(var / "admin.token"))
    sim = f"http://127.0.0.1:{sim_port}"
    cli(env, "banks", "link-simulator", "--sim-url", sim, "--transport", transport)
    config_path = var / "bank-sim.json"
    config_path.write_text(json.dumps({**json.loads(config_path.read_text()), **SIM_FAST}))
    admin = {"Authorization": "Bearer " + (var / "admin.token").read_text().strip()}
    stack = Stack(var, env, f"http://127.0.0.1:{port}", sim, admin)
    try:
        stack.start_sim()
        stack.start_service()
        yield stack
    finally:
        stack.stop()


def produced_card(
    stack: Stack, http: httpx.Client, clerk: dict[str, str], born: date, bank: str = "ICBC"
) -> dict[str, Any]:
    """A person applied for at an instant outlet: the card is produced at once (SPEC APP-2)."""
    doc = {"type": "resident_id", "number": citizen_number(born)}
    person = http.post(
        "/api/v1/persons",
        headers=clerk,
        json={"name": "黑盒银行", "document": doc, "city_code": "3204"},
    )
    assert person.status_code == 201, person.text
    pid = person.json()["person_id"]
    photo = http.put(
        f"/api/v1/persons/{pid}/photo",
        headers={**clerk, "Content-Type": "image/jpeg"},
        content=make_standard_photo(born.toordinal() % 1000),
    )
    assert photo.status_code == 200, photo.text
    app = http.post(
        "/api/v1/applications", headers=clerk, json={"person_id": pid, "bank_code": bank}
    )
    assert app.status_code == 201, app.text
    return {"reference": app.json()["reference"], "document": doc, **app.json()}
