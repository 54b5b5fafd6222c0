"""Children in their own process groups, stopped as a whole; signals turned into a wake-up.

Each child leads its own process group, so a signal to the group reaches it and everything it
started (uvicorn's worker processes), and the terminal's Ctrl-C reaches devstack alone, which
then stops the children in order. On Linux each child also gets PR_SET_PDEATHSIG = SIGTERM, so
that it stops even when devstack is killed with SIGKILL and can forward nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn asking the kernel to send SIGTERM to the child when devstack dies."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    parent = os.getpid()

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # devstack died before the request took effect
            os._exit(1)

    return preexec


class Child:
    """One started command, leader of its own process group."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        env: dict[str, str],
        pass_fds: Sequence[int] = (),
    ) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            list(argv),
            env=env,
            process_group=0,
            preexec_fn=_die_with_parent(),
            pass_fds=tuple(pass_fds),
            stdin=subprocess.DEVNULL,
        )
        self.pid = self.proc.pid

    def exit_code(self) -> int | None:
        return self.proc.poll()

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signum)

    def group_running(self) -> bool:
        """Whether the leader or anything else of its group still runs (zombies do not)."""
        self.proc.poll()
        return group_running(self.pid)


def group_running(pgid: int) -> bool:
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: ask the kernel whether the group has members
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


def describe_exit(code: int) -> str:
    if code < 0:
        return f"was killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


class Signals:
    """SIGINT, SIGTERM and SIGHUP noted rather than raised; SIGCHLD only wakes the waiting."""

    # A repeat this soon is the same stop told twice (a signal to the whole process group
    # reaches devstack from the sender and again from make, which passes it on), not a person
    # pressing Ctrl-C a second time.
    REPEAT_SECONDS = 1.0

    def __init__(self) -> None:
        self.received: int | None = None
        self.received_at = 0.0
        self.again = False  # a second stop signal while stopping: kill at once
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)

    def install(self) -> None:
        signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._note)
        signal.signal(signal.SIGCHLD, lambda _signum, _frame: None)

    def _note(self, signum: int, _frame: FrameType | None) -> None:
        now = time.monotonic()
        if self.received is None:
            self.received, self.received_at = signum, now
        elif now - self.received_at >= self.REPEAT_SECONDS:
            self.again = True

    def sleep(self, seconds: float) -> None:
        """Wait up to `seconds`, returning early when any of the signals arrives."""
        ready, _, _ = select.select([self._read], [], [], seconds)
        if ready:
            os.read(self._read, 512)


def stop_group(
    child: Child,
    signals: Signals,
    signum: int,
    grace: float,
    meanwhile: Callable[[], None] = lambda: None,
) -> bool:
    """Send `signum` to the child's group, wait up to `grace` seconds (less after a second stop
    signal), then SIGKILL what is left; False if it had to be killed. `meanwhile` runs between
    the looks."""
    child.signal_group(signum)
    deadline = time.monotonic() + grace
    while child.group_running():
        if signals.again or time.monotonic() > deadline:
            child.signal_group(signal.SIGKILL)
            child.proc.wait()
            settle = time.monotonic() + 5  # the rest of the group goes with it, or is stuck
            while group_running(child.pid) and time.monotonic() < settle:
                time.sleep(0.01)
            return False
        meanwhile()
        signals.sleep(0.02)
    child.proc.wait()
    return True
