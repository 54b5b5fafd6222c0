"""The lifecycle table for loss, replacement, cancellation, with no database (LOSS, REP, CAN)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import product

import pytest

from sscard.cards import lifecycle as lc
from sscard.cards.lifecycle import CardEvent, CardUse, HrStatus
from sscard.kernel.actor import Channel

NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)


def test_every_pair_outside_the_table_is_refused_by_name() -> None:
    """SPEC LOSS-1..4: a (state, event) pair not in the table is a named refusal."""
    for state, event in product(HrStatus, CardEvent):
        if (state, event) in lc.HR_TABLE:
            continue
        with pytest.raises(lc.CardTransitionRefused):
            lc.transition(state, event, Channel.HR_OUTLET)


def test_every_listed_transition_refuses_the_channels_it_does_not_name() -> None:
    """SPEC CH-1: the table names the channels; any other channel is refused with the rule."""
    for (state, event), step in lc.HR_TABLE.items():
        for channel in Channel:
            if channel in step.channels:
                assert lc.transition(state, event, channel).to is step.to
            else:
                with pytest.raises(lc.ChannelNotAllowed):
                    lc.transition(state, event, channel)


def test_temporary_loss_only_by_hotline_and_lifted_only_by_the_sweep() -> None:
    """SPEC LOSS-1."""
    step = lc.HR_TABLE[(HrStatus.ACTIVE, CardEvent.REPORT_TEMPORARY_LOSS)]
    assert step.channels == {Channel.HOTLINE}
    lift = lc.HR_TABLE[(HrStatus.TEMPORARILY_LOST, CardEvent.LIFT_TEMPORARY_LOSS)]
    assert lift.channels == {Channel.SWEEP}


@pytest.mark.parametrize("hours", [0, 1, 24 * 7 - 1])
def test_temporary_loss_holds_for_seven_days(hours: int) -> None:
    """SPEC LOSS-1: lost until the 7 days are over."""
    until = lc.temporary_loss_ends(NOW)
    at = NOW + timedelta(hours=hours)
    assert lc.effective_hr_status(HrStatus.TEMPORARILY_LOST, until, at) is HrStatus.TEMPORARILY_LOST


def test_temporary_loss_lifts_at_seven_days_without_a_job() -> None:
    """SPEC LOSS-1: the state read is right even if no sweep ran."""
    until = lc.temporary_loss_ends(NOW)
    assert until - NOW == timedelta(days=7)
    for late in (timedelta(0), timedelta(days=400)):
        assert (
            lc.effective_hr_status(HrStatus.TEMPORARILY_LOST, until, until + late)
            is HrStatus.ACTIVE
        )
    assert lc.effective_hr_status(HrStatus.FORMALLY_LOST, None, until) is HrStatus.FORMALLY_LOST


def test_no_unlock_from_a_superseded_or_cancelled_card() -> None:
    """SPEC LOSS-4 / CAN-5: dead cards have no way back. The one edge out of a dead state is the
    cancellation of a superseded card whose replacement was withdrawn (issue 11): dead to dead."""
    for state, event in product(lc.DEAD_HR_STATES, CardEvent):
        step = lc.HR_TABLE.get((state, event))
        if (state, event) == (HrStatus.SUPERSEDED, CardEvent.CANCEL):
            assert step is not None
            assert step.to is HrStatus.CANCELLED
        else:
            assert step is None, (state, event)


@pytest.mark.parametrize("state", sorted(set(HrStatus) - {HrStatus.ACTIVE}))
def test_every_use_refused_unless_active(state: HrStatus) -> None:
    """SPEC LOSS-5: one answer for every use."""
    for use in CardUse:
        answer = lc.may_use(state, use)
        assert not answer.allowed
        assert answer.rule


def test_expired_financial_function_stops_only_payment() -> None:
    """SPEC ISS-7: past 10 years card-present payment stops; hr, medical, transport go on."""
    for use in CardUse:
        answer = lc.may_use(HrStatus.ACTIVE, use, financial_expired=True)
        assert answer.allowed is (use is not CardUse.PAYMENT)
    assert not lc.financial_expired(date(2036, 11, 23), date(2036, 11, 23))
    assert lc.financial_expired(date(2036, 11, 23), date(2036, 11, 24))


def test_financial_loss_lifted_returns_to_the_state_before() -> None:
    """SPEC LOSS-2: the mirror restores what the bank had before its loss."""
    F, E = lc.FinancialStatus, lc.FinancialEvent
    assert lc.next_financial_status(F.LOST, E.LOSS_LIFTED, F.ACCOUNT_OPENED) is F.ACCOUNT_OPENED
    assert lc.next_financial_status(F.LOST, E.LOSS_LIFTED, None) is F.ACTIVE
    with pytest.raises(lc.FinancialTransitionRefused):
        lc.next_financial_status(F.CLOSED, E.ACTIVATED, None)
