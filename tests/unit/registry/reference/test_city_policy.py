"""City policies as data, in force by date (SPEC APP-5, APP-8, CITY-3)."""

from __future__ import annotations

from datetime import date

import pytest

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
