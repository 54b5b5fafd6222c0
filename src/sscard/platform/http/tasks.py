"""Idempotency keys are kept for a retry, not for ever: the worker forgets old ones hourly."""

from __future__ import annotations

from sscard.kernel.runtime import Runtime
from sscard.platform.http import service
from sscard.platform.jobs import WORKER, Job


async def forget_old_keys(rt: Runtime) -> int:
    async with rt.unit(WORKER) as ctx:
        return await service.forget_old_keys(ctx)


FORGET_KEYS = Job("forget_idempotency_keys", 3600.0, forget_old_keys)
