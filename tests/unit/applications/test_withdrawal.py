"""Withdrawing an application, as pure rules (issue 11; SPEC APP-7, ISS-1, CAN-5, ID-6)."""

from __future__ import annotations

import pytest

from sscard.applications.lifecycle import (
    AWAY_STATUSES,
    OPEN_STATUSES,
    WITHDRAWAL_MEANS,
    ApplicationStatus,
    ApplicationTransitionRefused,
    Voiding,
    WithdrawalNoteRequired,
    WithdrawalReason,
    withdraw_path,
    withdrawal,
)
from sscard.kernel.errors import DomainError

S = ApplicationStatus


def test_every_open_state_and_only_those_can_be_withdrawn() -> None:
    """Issue 11: withdrawal is possible before collection, never after, never twice."""
    assert set(WITHDRAWAL_MEANS) == OPEN_STATUSES - AWAY_STATUSES
    assert S.WITHDRAWN not in OPEN_STATUSES
    for state in OPEN_STATUSES - AWAY_STATUSES:
        assert withdrawal(state, WithdrawalReason.DEATH, None).to is S.WITHDRAWN


@pytest.mark.parametrize("state", [S.COLLECTED, S.WITHDRAWN])
def test_a_closed_application_is_refused_by_name(state: ApplicationStatus) -> None:
    """SPEC APP-7: a collected card is cancelled, not withdrawn; withdrawn stays withdrawn."""
    with pytest.raises(ApplicationTransitionRefused) as refused:
        withdrawal(state, WithdrawalReason.APPLICANT_REQUEST, None)
    assert refused.value.rule == "APP-7"


@pytest.mark.parametrize(
    ("state", "means"),
    [
        (S.ACCEPTED, Voiding.NOTHING_MADE),
        (S.IN_PRODUCTION, Voiding.PRODUCTION_STOPPED),
        (S.PRODUCED, Voiding.CARD_VOIDED),
        (S.READY_FOR_COLLECTION, Voiding.CARD_VOIDED),
    ],
)
def test_what_withdrawal_means_follows_the_state(state: ApplicationStatus, means: Voiding) -> None:
    """Issue 11 / ISS-1: card data exists from production on; from then the card is voided."""
    assert withdrawal(state, WithdrawalReason.ERROR, None).voiding is means


def test_other_needs_a_note_and_the_note_is_trimmed() -> None:
    """Issue 11: 'other' says why in words."""
    with pytest.raises(WithdrawalNoteRequired):
        withdrawal(S.ACCEPTED, WithdrawalReason.OTHER, "   ")
    step = withdrawal(S.ACCEPTED, WithdrawalReason.OTHER, "  申领人已出境  ")
    assert step.note == "申领人已出境"


def test_a_note_may_not_hold_an_id_number() -> None:
    """SPEC ID-6: free text never carries an ID or phone number."""
    with pytest.raises(DomainError) as refused:
        withdrawal(S.ACCEPTED, WithdrawalReason.OTHER, "身份证 110101199003070011")
    assert refused.value.field == "note"


def test_every_reason_has_a_chinese_label() -> None:
    assert {r.label_zh for r in WithdrawalReason} >= {"申领人死亡", "重复申领"}


def test_the_way_forward_is_the_withdraw_route() -> None:
    assert withdraw_path("SQ1") == "/api/v1/applications/SQ1/withdraw"
