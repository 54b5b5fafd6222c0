"""Reconciliation as a background job (SPEC ISS-2): checked every 5 minutes, each bank run once
per Beijing day from 02:00, after the banks' end of day."""

from __future__ import annotations

from sscard.banks.reconciliation.service import reconcile_due
from sscard.kernel.runtime import Runtime
from sscard.platform.jobs import WORKER, Job

RECONCILE_HOUR = 2  # Beijing time


async def reconcile_daily(rt: Runtime) -> None:
    """Each bank with a statement address, once a day from RECONCILE_HOUR (retried if failed)."""
    await reconcile_due(rt, WORKER, hour=RECONCILE_HOUR)


DAILY = Job("reconcile", 300.0, reconcile_daily)
