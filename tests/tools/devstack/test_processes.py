"""Stopping a child's whole process group: the signal, the grace period, then SIGKILL."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from devstack import processes
from devstack.processes import Child, Signals, describe_exit, group_running, stop_group

# A parent that starts a grandchild in its group, writes its pid, and ignores SIGTERM if asked.
FAMILY = """
import os, signal, subprocess, sys, time
if sys.argv[1] == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
with open(sys.argv[2] + ".new", "w") as out:
    out.write(str(grandchild.pid))
os.rename(sys.argv[2] + ".new", sys.argv[2])
time.sleep(60)
"""


def _family(tmp_path: Path, kind: str) -> tuple[Child, int]:
    out = tmp_path / f"pids-{kind}"
    child = Child(kind, [sys.executable, "-c", FAMILY, kind, str(out)], dict(os.environ))
    deadline = time.monotonic() + 10
    while not out.exists():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    return child, int(out.read_text())


def test_the_signal_stops_the_child_and_what_it_started(tmp_path: Path) -> None:
    child, grandchild = _family(tmp_path, "polite")
    assert os.getpgid(grandchild) == child.pid

    assert stop_group(child, Signals(), signal.SIGTERM, grace=10)

    assert not group_running(child.pid)
    assert describe_exit(child.proc.returncode) == "was killed by SIGTERM"


def test_a_child_that_ignores_the_signal_is_killed_after_the_grace_period(
    tmp_path: Path,
) -> None:
    child, _ = _family(tmp_path, "stubborn")
    started = time.monotonic()

    assert not stop_group(child, Signals(), signal.SIGTERM, grace=0.3)

    assert 0.3 <= time.monotonic() - started < 5
    assert not group_running(child.pid)
    assert child.proc.returncode == -signal.SIGKILL


def test_a_second_stop_signal_does_not_wait_for_the_grace_period(tmp_path: Path) -> None:
    child, _ = _family(tmp_path, "stubborn")
    signals = Signals()
    signals.again = True  # as after a second Ctrl-C
    started = time.monotonic()

    assert not stop_group(child, signals, signal.SIGTERM, grace=30)

    assert time.monotonic() - started < 5
    assert not group_running(child.pid)


def test_a_stop_told_twice_at_once_is_one_stop_a_later_one_is_a_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A signal to make's whole process group reaches devstack twice within milliseconds (from
    the sender and from make): still one graceful stop. Ctrl-C again a second later kills."""
    now = [100.0]
    monkeypatch.setattr(processes.time, "monotonic", lambda: now[0])
    signals = Signals()
    signals._note(signal.SIGTERM, None)
    now[0] += 0.01
    signals._note(signal.SIGTERM, None)
    assert (signals.received, signals.again) == (signal.SIGTERM, False)
    now[0] += 1.5
    signals._note(signal.SIGINT, None)
    assert signals.again
