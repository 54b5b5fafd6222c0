"""Top-ups authorised but never written to a card are reversed: the worker looks every minute
(SPEC TRN-2: never lost, never doubled)."""

from __future__ import annotations

from sscard.kernel.runtime import Runtime
from sscard.platform.jobs import WORKER, Job
from sscard.transport import service


async def reverse_unconfirmed(rt: Runtime) -> int:
    async with rt.unit(WORKER) as ctx:
        return await service.reverse_unconfirmed(ctx)


REVERSE_UNCONFIRMED = Job("reverse_unconfirmed_transport_top_ups", 60.0, reverse_unconfirmed)
