"""A small time-limited cache for reference data read on every request (outlets, policies).

Reference data changes rarely and only by an administrator. An edit clears this process's
cache at once; other worker processes see it within TTL seconds.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
TTL_SECONDS = 30.0
_entries: dict[Hashable, tuple[float, Any]] = {}


async def cached(key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
    hit = _entries.get(key)
    if hit is not None and hit[0] > time.monotonic():
        value: T = hit[1]
        return value
    value = await load()
    _entries[key] = (time.monotonic() + TTL_SECONDS, value)
    return value


def clear() -> None:
    _entries.clear()
