"""What every test run shares. `make test` spreads each run over pytest-xdist workers
(`-n 2 --dist loadfile`, Makefile): a module stays whole on one worker, so its module
fixtures run once; tests/integration/conftest.py gives each worker its own database."""

from __future__ import annotations

import pytest

# Modules handed out first, longest first: the workers take the next module as they finish
# one, so a long module handed out last would leave one worker idle while the other ends it.
FIRST = ("tests/blackbox/test_devstack_restarts.py", "tests/blackbox/")


def _rank(item: pytest.Item) -> int:
    path = item.nodeid.split("::")[0]
    return next((k for k, prefix in enumerate(FIRST) if path.startswith(prefix)), len(FIRST))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)  # stable: the order within a rank stays the collection's
