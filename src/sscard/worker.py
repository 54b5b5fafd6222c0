"""The service's own background work: delivery to banks, the 7-day lift, SMS, daily reconciliation.

Runs beside the API (SSCARD_WORKER=1, the default for `sscard serve`) or alone (`sscard worker`).
Several copies may run at once: delivery takes a lease per bank, the sweep and SMS delivery claim
their rows, and reconciliation runs once per bank and day.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from contextlib import suppress

from sscard.banks.reconciliation.service import reconcile_due
from sscard.cards.loss import service as loss
from sscard.kernel.actor import Actor, Channel, Role
from sscard.kernel.runtime import Runtime
from sscard.platform.notify.delivery import deliver_pending
from sscard.platform.notify.senders import sender_from_settings
from sscard.platform.outbox.dispatcher import run_dispatcher
from sscard.wiring import wire

log = logging.getLogger("sscard.worker")

WORKER = Actor(id=None, role=Role.CENTRE_ADMIN, display_name="service worker", via=Channel.SWEEP)
SWEEP_EVERY_SECONDS = 60.0
SMS_EVERY_SECONDS = 5.0
RECONCILE_CHECK_EVERY_SECONDS = 300.0
RECONCILE_HOUR = 2  # Beijing time: after the banks' end-of-day


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def run_worker(rt: Runtime, stop: asyncio.Event) -> None:
    """Every job in its own loop until `stop` is set; one job's failure never stops another."""
    wire()
    await asyncio.gather(
        run_dispatcher(rt, stop, worker_name()),
        _every(stop, SWEEP_EVERY_SECONDS, "sweep", lambda: _sweep(rt)),
        _every(stop, SMS_EVERY_SECONDS, "sms", lambda: _deliver_sms(rt)),
        _every(stop, RECONCILE_CHECK_EVERY_SECONDS, "reconcile", lambda: _reconcile(rt)),
    )


async def _sweep(rt: Runtime) -> None:
    async with rt.unit(WORKER) as ctx:
        await loss.sweep(ctx)


async def _deliver_sms(rt: Runtime) -> None:
    sender = sender_from_settings(rt.settings)
    while (await deliver_pending(rt, sender)).more:
        pass


async def _reconcile(rt: Runtime) -> None:
    await reconcile_due(rt, WORKER, hour=RECONCILE_HOUR)


async def _every(
    stop: asyncio.Event, seconds: float, name: str, job: Callable[[], Awaitable[None]]
) -> None:
    while not stop.is_set():
        try:
            await job()
        except Exception as exc:  # logged by kind only: driver messages may hold parameters
            log.warning(
                "worker job %s failed (%s); again in %.0f s", name, type(exc).__name__, seconds
            )
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)
