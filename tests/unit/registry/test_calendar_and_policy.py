"""Working days and city policies as data (SPEC APP-2, CITY-3, §17)."""

from __future__ import annotations

from datetime import date

import pytest

from sscard.registry.calendar.rules import UnknownCalendarYear, WorkingCalendar
from sscard.registry.calendar.service import packaged_calendar_days
from sscard.registry.reference.loading import _policy_rows
from sscard.registry.reference.policy import CityPolicy, NoPolicyInForce, policy_in_force


def packaged() -> WorkingCalendar:
    days = packaged_calendar_days()
    return WorkingCalendar(
        known_years=frozenset(range(2004, 2027)),
        holidays=frozenset(d["day"] for d in days if d["kind"] == "holiday"),
        adjusted_workdays=frozenset(d["day"] for d in days if d["kind"] == "workday"),
    )


def test_spring_festival_2026_and_its_adjusted_weekend() -> None:
    cal = packaged()
    assert not cal.is_working_day(date(2026, 2, 17))  # Spring Festival
    assert cal.is_working_day(date(2026, 2, 14))  # adjusted Saturday
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)


def test_unknown_year_is_reported() -> None:
    with pytest.raises(UnknownCalendarYear):
        packaged().is_working_day(date(2027, 1, 4))


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
