"""Bulk work and the cyclic garbage collector.

Judging a unit's batch builds a few hundred thousand short-lived objects that hold no cycles
(rows, verdicts, COPY records). Each of them counts towards CPython's generation thresholds,
so the collector runs thousands of times over a heap that only grows while the batch is
judged: a quarter of the batch's time on 100,000 rows (docs/BENCHMARKS.md). Reference
counting frees them without it; the collector is paused for the bulk step and run once after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for a bulk step (nested uses are fine), then collect the
    youngest generation once. Other coroutines keep running meanwhile; what cycles they drop
    are collected when the step ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)
