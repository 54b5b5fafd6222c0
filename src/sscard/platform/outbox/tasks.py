"""Delivery of the outbox as the worker's long-running loop (SPEC ISS-2): see dispatcher.py."""

from __future__ import annotations

import asyncio

from sscard.kernel.runtime import Runtime
from sscard.platform.jobs import worker_name
from sscard.platform.outbox.dispatcher import run_dispatcher


async def deliver(rt: Runtime, stop: asyncio.Event) -> None:
    """Deliver until `stop`, under this process's name as the lease holder."""
    await run_dispatcher(rt, stop, worker_name())
