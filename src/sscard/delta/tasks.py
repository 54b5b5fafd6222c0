"""A node's request ids are kept a day, not for ever: the worker forgets older ones every hour
(a question that old is refused by its signature's time anyway)."""

from __future__ import annotations

from sscard.delta import service
from sscard.kernel.runtime import Runtime
from sscard.platform.jobs import WORKER, Job


async def forget_old_requests(rt: Runtime) -> int:
    async with rt.unit(WORKER) as ctx:
        return await service.forget_old_requests(ctx)


FORGET_OLD_REQUESTS = Job("forget_old_delta_requests", 3600.0, forget_old_requests)
