"""What every test run shares. `make test` spreads each run over pytest-xdist workers
(`-n 2 --dist loadfile`, Makefile): a module stays whole on one worker, so its module
fixtures run once; tests/integration/conftest.py gives each worker its own database."""

from __future__ import annotations

import os

import pytest

# Staff passwords hashed by argon2-cffi's cheapest profile in this process and every process it
# starts (sscard.actors.staff.service.password_hasher): RFC 9106's parameters cost some 0.4 s of
# CPU a hash or check, minutes over the suite's sign-ins. tests/unit/actors checks both.
os.environ.setdefault("SSCARD_STAFF_PASSWORD_HASHING", "test")

# Modules handed out first, longest first: the workers take the next module as they finish
# one, so a long module handed out last would leave one worker idle while the other ends it.
FIRST = ("tests/blackbox/test_devstack_restarts.py", "tests/blackbox/")


def _rank(item: pytest.Item) -> int:
    path = item.nodeid.split("::")[0]
    return next((k for k, prefix in enumerate(FIRST) if path.startswith(prefix)), len(FIRST))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)  # stable: the order within a rank stays the collection's
