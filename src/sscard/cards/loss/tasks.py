"""The 7-day lift as a background job (SPEC LOSS-1): every minute, lapsed losses are recorded."""

from __future__ import annotations

from sscard.cards.loss.service import sweep
from sscard.kernel.runtime import Runtime
from sscard.platform.jobs import WORKER, Job


async def sweep_lapsed_losses(rt: Runtime) -> int:
    """Record every temporary loss past its 7 days as lifted, as the service's own act."""
    async with rt.unit(WORKER) as ctx:
        return await sweep(ctx)


SWEEP = Job("sweep", 60.0, sweep_lapsed_losses)
