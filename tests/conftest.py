"""What every test run shares: SSCARD_TEST_SHARD="i/n" keeps the i-th of n shares of the test
modules (1-based; modules in path order dealt out in turn), so `make test` runs the SQLite
suite as two processes beside the PostgreSQL and end-to-end ones and the two cores stay busy
to the end. A module stays whole in one share (its module fixtures run once)."""

from __future__ import annotations

import os

import pytest


def _shard() -> tuple[int, int] | None:
    value = os.environ.get("SSCARD_TEST_SHARD", "")
    if not value:
        return None
    index, _, count = value.partition("/")
    i, n = int(index), int(count)
    if not 1 <= i <= n:
        raise pytest.UsageError(f"SSCARD_TEST_SHARD must be i/n with 1 <= i <= n, not {value}")
    return i, n


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    shard = _shard()
    if shard is None:
        return
    i, n = shard
    modules = sorted({item.nodeid.split("::")[0] for item in items})
    mine = {m for k, m in enumerate(modules) if k % n == i - 1}
    kept = [item for item in items if item.nodeid.split("::")[0] in mine]
    dropped = [item for item in items if item.nodeid.split("::")[0] not in mine]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept
