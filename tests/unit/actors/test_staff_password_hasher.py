"""Staff passwords' argon2id parameters (sscard.actors.staff.service.password_hasher): RFC 9106's
second recommended ones unless SSCARD_STAFF_PASSWORD_HASHING is exactly "test", which the test
suite sets (tests/conftest.py) and nothing else does."""

from __future__ import annotations

import pytest
from argon2 import Type, profiles

from sscard.actors.staff.service import password_hasher


@pytest.mark.parametrize("env", [{}, {"SSCARD_STAFF_PASSWORD_HASHING": "TEST"},
                                 {"SSCARD_STAFF_PASSWORD_HASHING": "cheap"}])  # fmt: skip
def test_the_default_is_rfc_9106s_second_recommendation(env: dict[str, str]) -> None:
    hasher = password_hasher(env)
    assert (hasher.type, hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (
        Type.ID, 65_536, 3, 4,
    )  # fmt: skip
    assert hasher.hash("Pw-2026-abc").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_the_test_suite_takes_the_cheapest_profile() -> None:
    hasher = password_hasher({"SSCARD_STAFF_PASSWORD_HASHING": "test"})
    assert hasher.memory_cost == profiles.CHEAPEST.memory_cost
    hashed = hasher.hash("Pw-2026-abc")
    assert hasher.verify(hashed, "Pw-2026-abc")
    # a hash made either way is checked by the parameters it carries
    assert password_hasher({}).verify(hashed, "Pw-2026-abc")
