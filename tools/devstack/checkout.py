"""One stack per data directory: a second `make run` on the same `var/` is refused.

Two stacks on one database would each point every bank's endpoint at their own simulator and
delete each other's state file when they stop. The lock is an flock on `<var>/devstack.lock`,
held by this process's open file (not inherited by the children) and released by the kernel
however the process ends, even SIGKILL, so a stale lock file never blocks a start.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class CheckoutBusy(Exception):
    def __init__(self, var: Path, holder: str) -> None:
        who = f" (devstack pid {holder})" if holder else ""
        super().__init__(
            f"another stack is running on {var}{who}; stop it first, or give this one its own "
            f"data directory and ports (e.g. SSCARD_VAR_DIR={var}-2 SSCARD_PORT=8001 "
            "SSCARD_SIM_PORT=8701 SSCARD_DELTA_SIM_PORT=8711 make run)"
        )


def lock_var(var: Path) -> IO[str]:
    """Hold `<var>/devstack.lock` for this process's life; CheckoutBusy if another holds it."""
    var.mkdir(parents=True, exist_ok=True)
    handle = (var / "devstack.lock").open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        raise CheckoutBusy(var, holder) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle
