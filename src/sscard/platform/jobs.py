"""Background jobs: what each context's `tasks.py` declares and `worker.py` runs.

A job runs every so many seconds until the worker stops; one job's failure is logged by kind
(a driver's message may hold parameters) and never stops another.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass

from sscard.kernel.actor import Actor, Channel, Role
from sscard.kernel.runtime import Runtime

log = logging.getLogger("sscard.worker")

# The service acting on its own (the history names it): a sweep, a delivery pass, a daily run.
WORKER = Actor(id=None, role=Role.PROVINCE_ADMIN, display_name="service worker", via=Channel.SWEEP)


@dataclass(frozen=True)
class Job:
    """A piece of the service's own work, run every `every_seconds` by the worker."""

    name: str
    every_seconds: float
    run: Callable[[Runtime], Awaitable[object]]


def worker_name() -> str:
    """This process as a lease holder: host (at most 40 characters) and pid."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


async def every(rt: Runtime, stop: asyncio.Event, job: Job) -> None:
    """Run the job, then wait its interval (or until `stop`), until `stop` is set."""
    while not stop.is_set():
        try:
            await job.run(rt)
        except Exception as exc:  # logged by kind only: driver messages may hold parameters
            log.warning(
                "worker job %s failed (%s); again in %.0f s",
                job.name,
                type(exc).__name__,
                job.every_seconds,
            )
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=job.every_seconds)
