"""A used code's nonce is kept for the offline gates' upload window (a day), not for ever: the
worker forgets older ones every ten minutes (ECARD-3)."""

from __future__ import annotations

from sscard.ecards import service
from sscard.kernel.runtime import Runtime
from sscard.platform.jobs import WORKER, Job


async def forget_used_codes(rt: Runtime) -> int:
    async with rt.unit(WORKER) as ctx:
        return await service.forget_used_codes(ctx)


FORGET_USED_CODES = Job("forget_used_ecard_codes", 600.0, forget_used_codes)
