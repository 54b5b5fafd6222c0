"""Start, check and supervise the stack; every way out stops what was started."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import struct
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from devstack import identity
from devstack.checkout import CheckoutBusy, lock_var
from devstack.ports import PortTaken, claim
from devstack.processes import Child, Signals, describe_exit, stop_group

SIM_HOST = "127.0.0.1"  # the simulator serves this machine only
SIMULATOR = "bank simulator"
DELTA = "delta simulator"  # the other delta provinces' card nodes (YRD-1..3)
SSCARD = "sscard"
READY_SECONDS = 60.0


@dataclass(frozen=True)
class Options:
    var: Path
    host: str
    port: int
    sim_port: int
    delta_port: int
    transport: str
    sim_db: str
    stop_seconds: float

    @property
    def sscard_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    @property
    def sim_url(self) -> str:
        return f"http://{SIM_HOST}:{self.sim_port}"

    @property
    def sim_config(self) -> Path:
        return self.var / "bank-sim.json"

    @property
    def delta_url(self) -> str:
        return f"http://{SIM_HOST}:{self.delta_port}"

    @property
    def delta_config(self) -> Path:
        return self.var / "delta-sim.json"

    @property
    def state_file(self) -> Path:
        return self.var / "devstack.json"


class Failed(Exception):
    """A step failed or a child stopped on its own; the message is the one-line reason."""


class StopRequested(Exception):
    pass


def say(text: str) -> None:
    # The terminal or pipe may be gone (`make run | tee` after Ctrl-C): stopping goes on anyway.
    with contextlib.suppress(OSError):
        print(f"devstack: {text}", file=sys.stderr, flush=True)


def run(options: Options, env: dict[str, str]) -> int:
    signals = Signals()
    signals.install()
    try:
        lock = lock_var(options.var)
    except CheckoutBusy as busy:
        say(str(busy))
        return 2
    try:
        sim_sock = claim(SIM_HOST, options.sim_port, "SSCARD_SIM_PORT")
        try:
            delta_sock = claim(SIM_HOST, options.delta_port, "SSCARD_DELTA_SIM_PORT")
        except PortTaken:
            sim_sock.close()
            raise
        try:
            # Held until sscard starts, so that nothing takes it during the set-up.
            sscard_sock = claim(options.host, options.port, "SSCARD_PORT")
        except PortTaken:
            sim_sock.close()
            delta_sock.close()
            raise
    except PortTaken as taken:
        say(str(taken))
        lock.close()
        return 2
    stack = Stack(options, env, signals, sim_sock, sscard_sock, delta_sock)
    try:
        stack.start()
        say(
            f"running: sscard {options.sscard_url} (staff console {options.sscard_url}/signin,"
            f" API docs /docs), bank simulator "
            f"{options.sim_url}, delta simulator {options.delta_url}; Ctrl-C stops all"
        )
        stack.supervise()
    except StopRequested:
        code = 0
    except Failed as failure:
        say(str(failure))
        code = 1
    finally:
        stack.stop()
        lock.close()
    return code


class Stack:
    def __init__(
        self,
        options: Options,
        env: dict[str, str],
        signals: Signals,
        sim_sock: socket.socket,
        sscard_sock: socket.socket,
        delta_sock: socket.socket,
    ) -> None:
        self.o = options
        self.signals = signals
        self.sim_sock = sim_sock
        self.delta_sock = delta_sock
        self.sscard_sock: socket.socket | None = sscard_sock
        self.sscard_env = {**env, "SSCARD_PORT": str(options.port)}
        # The simulator talks to sscard over the wire only: none of sscard's settings (its
        # database URL, its data key) are its business.
        self.sim_env = {k: v for k, v in env.items() if not k.startswith("SSCARD_")}
        self.children: list[Child] = []
        self.stopped = False

    # ---- starting ----

    def start(self) -> None:
        self.o.var.mkdir(parents=True, exist_ok=True)
        self.step("sscard setup", "setup")
        link = [
            "banks",
            "link-simulator",
            "--sim-url",
            self.o.sim_url,
            "--transport",
            self.o.transport,
        ]
        self.step("sscard banks link-simulator", *link, "--config", str(self.o.sim_config))
        nonce = identity.new_nonce()
        fd = self.sim_sock.fileno()
        serve = ["serve", "--config", str(self.o.sim_config), "--fd", str(fd)]
        sim = self.spawn(
            SIMULATOR,
            [sys.executable, "-m", "bank_simulator", *serve, "--db", self.o.sim_db],
            {**self.sim_env, identity.NONCE_ENV: nonce},
            pass_fds=(fd,),
        )
        self.wait_ready(sim, self.o.sim_url)
        try:
            identity.check(self.o.sim_url, nonce, identity.bank_secrets(self.o.sim_config))
        except identity.NotOurSimulator as refused:
            raise Failed(
                f"what answers on {self.o.sim_url} is not the simulator devstack started "
                f"({refused}); sscard was not started"
            ) from None
        self.start_delta()
        assert self.sscard_sock is not None
        self.sscard_sock.close()  # sscard serve binds the port itself
        self.sscard_sock = None
        sscard = self.spawn(SSCARD, [sys.executable, "-m", "sscard", "serve"], self.sscard_env)
        self.wait_ready(sscard, self.o.sscard_url)

    def start_delta(self) -> None:
        """The other delta provinces' nodes, linked to sscard (YRD-1..3), on their own port."""
        link = ["delta", "link-simulator", "--sim-url", self.o.delta_url, "--sscard-url",
                self.o.sscard_url, "--config", str(self.o.delta_config)]  # fmt: skip
        self.step("sscard delta link-simulator", *link)
        fd = self.delta_sock.fileno()
        serve = ["serve", "--config", str(self.o.delta_config), "--fd", str(fd),
                 "--log", str(self.o.var / "delta-sim.log")]  # fmt: skip
        delta = self.spawn(DELTA, [sys.executable, "-m", "delta_simulator", *serve],
                           self.sim_env, pass_fds=(fd,))  # fmt: skip
        self.wait_ready(delta, self.o.delta_url)

    def step(self, name: str, *args: str) -> None:
        """Run one sscard command to its end (interruptible like everything else)."""
        child = Child(name, [sys.executable, "-m", "sscard", *args], self.sscard_env)
        self.children.append(child)
        while (code := child.exit_code()) is None:
            self.check_signals()
            self.signals.sleep(0.1)
        self.children.remove(child)
        if code != 0:
            raise Failed(f"{name} {describe_exit(code)}; see its output above")

    def spawn(
        self, name: str, argv: list[str], env: dict[str, str], pass_fds: tuple[int, ...] = ()
    ) -> Child:
        child = Child(name, argv, env, pass_fds)
        self.children.append(child)
        self.write_state()
        return child

    def wait_ready(self, child: Child, base_url: str) -> None:
        deadline = time.monotonic() + READY_SECONDS
        with httpx.Client(timeout=2.0, trust_env=False) as http:  # no proxy for 127.0.0.1
            while not _healthy(http, base_url):
                self.check_signals()
                self.check_children()
                if time.monotonic() > deadline:
                    raise Failed(f"{child.name} did not answer {base_url}/health in time")
                self.signals.sleep(0.05)

    # ---- running ----

    def supervise(self) -> None:
        while True:
            self.check_signals()
            self.check_children()
            self.signals.sleep(1.0)

    def check_signals(self) -> None:
        if self.signals.received is not None:
            raise StopRequested()

    def check_children(self) -> None:
        for child in self.children:
            code = child.exit_code()
            if code is not None:
                others = [c.name for c in self.children if c is not child]
                stopping = f"; stopping {', '.join(others)}" if others else ""
                raise Failed(f"{child.name} (pid {child.pid}) {describe_exit(code)}{stopping}")

    # ---- stopping ----

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        # The signal received goes on to each server (SIGTERM when one stopped on its own):
        # sscard first, so that it never sends to a simulator that is no longer there. A set-up
        # command gets SIGTERM, which ends it without a KeyboardInterrupt traceback.
        received = self.signals.received or signal.SIGTERM
        grace = self.o.stop_seconds
        killed = []
        for child in sorted(self.children, key=lambda c: c.name != SSCARD):
            signum = received if child.name in (SSCARD, SIMULATOR, DELTA) else signal.SIGTERM
            if not stop_group(child, self.signals, signum, grace, self.refuse_for_sim):
                killed.append(child.name)
        if killed:
            why = (
                "a second stop signal came"
                if self.signals.again
                else f"still running {grace:g} s after the signal"
            )
            say(f"killed {', '.join(killed)}: {why}")
        self.sim_sock.close()
        self.delta_sock.close()
        if self.sscard_sock is not None:
            self.sscard_sock.close()
        self.o.state_file.unlink(missing_ok=True)
        if self.signals.received is not None:
            say(f"stopped on {signal.Signals(self.signals.received).name}")

    def refuse_for_sim(self) -> None:
        """While no simulator serves the port devstack still holds, end what connects at once.

        Holding the port keeps any other process from taking it while sscard may still send;
        closing what arrives keeps sscard from waiting out its timeout on a connection nobody
        will serve, which would hold its shutdown.
        """
        sim = next((c for c in self.children if c.name == SIMULATOR), None)
        if sim is not None and sim.exit_code() is None:
            return
        self.sim_sock.setblocking(False)
        while True:
            try:
                conn, _ = self.sim_sock.accept()
            except OSError:  # nothing waiting (BlockingIOError), or the socket is gone
                return
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()  # a reset, not a polite close: there is no one to answer

    def write_state(self) -> None:
        """What runs, for whoever must find it (the black-box tests, a stuck terminal)."""
        state = {
            "pid": os.getpid(),
            "sscard_url": self.o.sscard_url,
            "sim_url": self.o.sim_url,
            "delta_url": self.o.delta_url,
            "children": {c.name: c.pid for c in self.children},
        }
        self.o.state_file.write_text(json.dumps(state, indent=1) + "\n")


def _healthy(http: httpx.Client, base_url: str) -> bool:
    try:
        return http.get(f"{base_url}/health").status_code == 200
    except httpx.HTTPError:
        return False
