"""City policies as data, in force by date (SPEC APP-5, APP-8, CITY-3)."""

from __future__ import annotations

from datetime import date

import pytest

from sscard.kernel.errors import InvalidInput
from sscard.registry.reference.loading import _policy_rows
from sscard.registry.reference.policy import CityPolicy, NoPolicyInForce, policy_in_force


def policies() -> list[CityPolicy]:
    return [
        CityPolicy.from_rules(p["city_code"], p["effective_from"], p["rules"])
        for p in _policy_rows()
    ]


def test_changzhou_policy_by_date() -> None:
    """SPEC APP-8, CITY-3: 2013 rule charged 20 yuan for a replacement; now free."""
    old = policy_in_force(policies(), "3204", date(2019, 12, 31))
    new = policy_in_force(policies(), "3204", date(2026, 11, 23))
    assert old.fees_fen["replacement"] == 2000
    assert new.fees_fen["replacement"] == 0


def test_nanjing_blue_background_from_2021() -> None:
    """SPEC APP-5: blue one-inch photo in the Nanjing bank briefing."""
    assert policy_in_force(policies(), "3201", date(2026, 1, 1)).photo_background == "blue"


def test_no_policy_before_the_first_is_reported() -> None:
    with pytest.raises(NoPolicyInForce):
        policy_in_force(policies(), "3204", date(2000, 1, 1))


def test_every_city_has_a_policy_in_force_today() -> None:
    for n in range(1, 14):
        assert policy_in_force(policies(), f"32{n:02d}", date(2026, 11, 23))


@pytest.mark.parametrize(
    ("rule", "value"),
    [
        ("fast_making_working_days", 2**63),
        ("fast_making_working_days", 61),
        ("password_max_attempts", 2**63),
        ("transport_balance_cap_fen", -1),
        ("online_working_days", True),
    ],
)
def test_a_count_outside_its_sense_is_refused(rule: str, value: object) -> None:
    """Issue 11 (found by attack): 2**63 working days was stored, then every fast application
    failed counting them (an OverflowError, a 500)."""
    changzhou = policies()[0]
    rules = {**changzhou.rules(), rule: value}
    with pytest.raises(InvalidInput) as refused:
        CityPolicy.from_rules(changzhou.city_code, changzhou.effective_from, rules)
    assert refused.value.field == f"rules.{rule}"
