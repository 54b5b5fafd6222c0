"""Large batches judged by the worker (issue 13; SPEC APP-3): every few seconds, each batch
waiting as `received` is judged in one transaction of its own, so a crash leaves it waiting
(its file still sealed in the batch) and the next round judges it again."""

from __future__ import annotations

from sscard.kernel.runtime import Runtime
from sscard.platform.jobs import WORKER, Job
from sscard.units.service import process_waiting


async def judge_waiting_batches(rt: Runtime) -> list[str]:
    """Judge every waiting batch, oldest first, one transaction each; their references."""
    done: list[str] = []
    while True:
        async with rt.unit(WORKER) as ctx:
            reference = await process_waiting(ctx)
        if reference is None:
            return done
        done.append(reference)


JUDGE_BATCHES = Job("unit_batches", 2.0, judge_waiting_batches)
