"""Held payments of persons whose newest card is active now are routed again: the worker looks
every minute (SPEC PAY-2: a batch routed while the activation committed is caught up); the
holders of newly held payments are told why (PAY-2, ISS-6)."""

from __future__ import annotations

from sscard.kernel.runtime import Runtime
from sscard.payments import service
from sscard.platform.jobs import WORKER, Job


async def release_payable_held(rt: Runtime) -> int:
    async with rt.unit(WORKER) as ctx:
        return await service.release_payable_held(ctx)


RELEASE_PAYABLE_HELD = Job("release_payable_held_payments", 60.0, release_payable_held)


async def tell_holders_of_held(rt: Runtime) -> int:
    async with rt.unit(WORKER) as ctx:
        return await service.tell_holders_of_held(ctx)


TELL_HOLDERS_OF_HELD = Job("tell_holders_of_held_payments", 60.0, tell_holders_of_held)
