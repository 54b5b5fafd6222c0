"""The application process as pure rules (SPEC APP-2, APP-5, APP-7, ID-4)."""

from __future__ import annotations

from datetime import date

import pytest

from sscard.applications.lifecycle import (
    AWAY_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    AgentNotAllowed,
    ApplicationEvent,
    ApplicationStatus,
    ApplicationTransitionRefused,
    Making,
    Representation,
    RepresentativeRequired,
    RepresentativeRole,
    check_representation,
    due_date,
    is_overdue,
    next_status,
)
from sscard.registry.calendar.rules import UnknownCalendarYear, WorkingCalendar
from sscard.registry.reference.policy import AgentPolicy, CityPolicy, MinorAgent

S, E = ApplicationStatus, ApplicationEvent


def policy(**over: object) -> CityPolicy:
    rules: dict[str, object] = {
        "fees_fen": {},
        "photo_background": "white",
        "agent_policy": "anyone",
        "minor_agent": "guardian",
        "bank_change_allowed": False,
        "damage_exchange_at": ["hr"],
        "formal_unlock_scope": "same_bank_any_outlet",
        "abroad_cancellation_by": ["agent"],
        "upgrade_requires_old_card": True,
        "fast_making_working_days": 5,
        "unit_batch_days": 30,
        "online_working_days": 15,
        "transport_balance_cap_fen": 100000,
        "password_max_attempts": 5,
        **over,
    }
    return CityPolicy.from_rules("3204", date(2020, 1, 1), rules)


CAL_2026 = WorkingCalendar(
    known_years=frozenset({2026}),
    holidays=frozenset({date(2026, 10, d) for d in (1, 2, 5, 6, 7)}),
    adjusted_workdays=frozenset({date(2026, 10, 10)}),
)


def test_the_outlet_progression_is_a_straight_line() -> None:
    """SPEC APP-7: accepted → in production → produced → at outlet → collected."""
    state, seen = S.ACCEPTED, [S.ACCEPTED]
    line = [E.START_PRODUCTION, E.FINISH_PRODUCTION, E.DELIVER_TO_OUTLET, E.COLLECT]
    for event in line:
        state = next_status(state, event)
        seen.append(state)
    assert seen == [S.ACCEPTED, S.IN_PRODUCTION, S.PRODUCED, S.READY_FOR_COLLECTION, S.COLLECTED]


def test_an_online_card_is_mailed_and_collected_on_delivery() -> None:
    """SPEC APP-4, ISS-3: produced → mailed by EMS → collected on delivery; a card EMS brings
    back is the centre's again, its application still open."""
    assert next_status(S.PRODUCED, E.SEND_BY_COURIER) is S.MAILED
    assert next_status(S.MAILED, E.CONFIRM_DELIVERY) is S.COLLECTED
    assert next_status(S.MAILED, E.RETURN_UNDELIVERED) is S.PRODUCED
    assert S.MAILED in OPEN_STATUSES


def test_a_unit_card_goes_to_the_agent_then_to_the_member_or_back_to_stock() -> None:
    """SPEC APP-3, ISS-3: at the outlet → with the unit's agent → handed out (collected), or
    returned unhanded to the centre's stock with the application still open."""
    assert next_status(S.READY_FOR_COLLECTION, E.HAND_TO_UNIT) is S.WITH_UNIT
    assert next_status(S.WITH_UNIT, E.DISTRIBUTE) is S.COLLECTED
    assert next_status(S.WITH_UNIT, E.RETURN_TO_STOCK) is S.PRODUCED
    assert S.WITH_UNIT in OPEN_STATUSES


@pytest.mark.parametrize("state", [S.MAILED, S.WITH_UNIT])
def test_a_card_in_the_post_or_with_the_unit_is_not_withdrawn(state: ApplicationStatus) -> None:
    """Withdrawal (issue 11) needs the card in the centre's or the outlet's hands."""
    with pytest.raises(ApplicationTransitionRefused):
        next_status(state, E.WITHDRAW)


def test_withdrawal_is_open_from_every_state_holding_the_card() -> None:
    """Issue 11: from every open state but the post and the unit."""
    held = OPEN_STATUSES - AWAY_STATUSES
    assert {s for (s, e) in TRANSITIONS if e is E.WITHDRAW} == held


@pytest.mark.parametrize("state", list(S))
def test_collecting_is_only_possible_at_the_outlet(state: ApplicationStatus) -> None:
    if state is S.READY_FOR_COLLECTION:
        assert next_status(state, E.COLLECT) is S.COLLECTED
    else:
        with pytest.raises(ApplicationTransitionRefused):
            next_status(state, E.COLLECT)


def test_instant_due_today_fast_due_in_working_days() -> None:
    """SPEC APP-2."""
    p = policy()
    assert due_date(date(2026, 9, 30), Making.INSTANT, p, CAL_2026) == date(2026, 9, 30)
    assert due_date(date(2026, 9, 30), Making.FAST, p, CAL_2026) == date(2026, 10, 13)


def test_policy_decides_the_number_of_working_days() -> None:
    """SPEC CITY-3."""
    p = policy(fast_making_working_days=3)
    assert due_date(date(2026, 11, 23), Making.FAST, p, CAL_2026) == date(2026, 11, 26)


def test_due_date_in_an_unknown_year_is_refused_not_guessed() -> None:
    """SPEC §17."""
    with pytest.raises(UnknownCalendarYear) as unknown:
        due_date(date(2026, 12, 28), Making.FAST, policy(), CAL_2026)
    assert unknown.value.year == 2027


@pytest.mark.parametrize(
    ("status", "today", "overdue"),
    [
        (S.ACCEPTED, date(2026, 11, 30), False),
        (S.ACCEPTED, date(2026, 12, 1), True),
        (S.PRODUCED, date(2026, 12, 1), True),
        (S.READY_FOR_COLLECTION, date(2026, 12, 1), False),
        (S.COLLECTED, date(2027, 1, 1), False),
    ],
)
def test_overdue_means_not_at_the_outlet_after_the_due_date(
    status: ApplicationStatus, today: date, overdue: bool
) -> None:
    """SPEC APP-7."""
    assert is_overdue(status, date(2026, 11, 30), today) is overdue


GUARDIAN = Representation(RepresentativeRole.GUARDIAN, "parent", "birth_certificate")


def test_adult_with_full_capacity_needs_no_one() -> None:
    check_representation(30, True, None, policy())


@pytest.mark.parametrize(("age", "capable"), [(17, True), (40, False)])
def test_minor_or_incapable_needs_a_guardian(age: int, capable: bool) -> None:
    """SPEC ID-4."""
    with pytest.raises(RepresentativeRequired):
        check_representation(age, capable, None, policy())
    check_representation(age, capable, GUARDIAN, policy())


def test_guardian_without_proof_refused() -> None:
    """SPEC ID-4: proof of guardianship."""
    rep = Representation(RepresentativeRole.GUARDIAN, "parent", None)
    with pytest.raises(RepresentativeRequired) as refused:
        check_representation(10, True, rep, policy())
    assert refused.value.field == "representative.proof"


def test_minor_agent_direct_relative_only_where_city_allows() -> None:
    """SPEC ID-4: Nantong."""
    uncle = Representation(RepresentativeRole.AGENT, "uncle", None)
    grandma = Representation(RepresentativeRole.AGENT, "grandparent", None)
    nantong = policy(minor_agent=MinorAgent.DIRECT_RELATIVE.value)
    with pytest.raises(RepresentativeRequired):
        check_representation(10, True, grandma, policy())
    with pytest.raises(AgentNotAllowed):
        check_representation(10, True, uncle, nantong)
    check_representation(10, True, grandma, nantong)


def test_supported_cases_policy_needs_a_reason() -> None:
    """SPEC ID-4: Suzhou."""
    suzhou = policy(agent_policy=AgentPolicy.SUPPORTED_CASES.value)
    friend = Representation(RepresentativeRole.AGENT, "friend", None)
    with pytest.raises(AgentNotAllowed):
        check_representation(50, True, friend, suzhou)
    check_representation(
        50, True, Representation(RepresentativeRole.AGENT, "friend", "elderly"), suzhou
    )


def test_database_guard_names_the_same_open_statuses() -> None:
    """SPEC ID-3: the partial unique index covers exactly the open statuses."""
    from sscard.applications.models import OPEN_WHERE

    named = set(str(OPEN_WHERE).split("(")[1].rstrip(")").replace("'", "").split(", "))
    assert named == {s.value for s in OPEN_STATUSES}
