"""The staff console's sign-in rules (issue 12; GB/T 22239-2019 level 3, 8.1.4.1). Pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sscard.actors.staff import rules
from sscard.kernel.errors import InvalidInput

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Short-1", "长度须为10至128个字符"),
        ("alllowercaseletters", "至少三类"),
        ("ALLUPPER-1234", None),
        ("Zhang.Wei-2026", "不能包含用户名"),
        ("Pass word 2026!", None),
        ("Passwörd-2026", "可见字符"),
        ("Pass\u200bword-2026", "可见字符"),
        ("x" * 129 + "A1", "长度须为10至128个字符"),
    ],
)
def test_a_password_mixes_three_kinds_and_is_not_the_username(
    password: str, why: str | None
) -> None:
    if why is None:
        rules.check_new_password(password, "zhang.wei")
        return
    with pytest.raises(InvalidInput) as refused:
        rules.check_new_password(password, "zhang.wei")
    assert why in refused.value.detail_zh
    assert refused.value.field == "password"


@pytest.mark.parametrize("name", ["ab", "Zhang Wei", "张伟", "a" * 33, "li\u200bna"])
def test_a_username_is_short_plain_ascii(name: str) -> None:
    with pytest.raises(InvalidInput):
        rules.check_username(name)


def test_a_username_is_kept_lower_case() -> None:
    assert rules.check_username(" Li.Na ") == "li.na"


def test_the_fifth_failure_in_a_row_locks_for_thirty_minutes() -> None:
    count, lock = 0, None
    for _ in range(rules.MAX_FAILED_ATTEMPTS - 1):
        count, lock = rules.after_failure(count, NOW)
        assert lock is None
    count, lock = rules.after_failure(count, NOW)
    assert count == 5
    assert lock == NOW + timedelta(minutes=30)
    assert rules.locked(lock, NOW + timedelta(minutes=29))
    assert not rules.locked(lock, NOW + timedelta(minutes=30))


@pytest.mark.parametrize(
    ("stage", "age", "idle", "reason"),
    [
        ("signed_in", timedelta(hours=1), timedelta(minutes=14), None),
        ("signed_in", timedelta(hours=1), timedelta(minutes=16), "idle"),
        ("signed_in", timedelta(hours=12, seconds=1), timedelta(0), "expired"),
        ("password", timedelta(minutes=4), timedelta(0), None),
        ("password", timedelta(minutes=6), timedelta(0), "expired"),
    ],
)
def test_a_session_ends_when_idle_or_older_than_a_shift(
    stage: str, age: timedelta, idle: timedelta, reason: str | None
) -> None:
    assert rules.session_end_reason(stage, NOW - age, NOW - idle, NOW) == reason
