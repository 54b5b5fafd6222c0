"""The payments' pure rules (SPEC PAY-1, PAY-2, REP-3, ISS-6)."""

from __future__ import annotations

import pytest

from sscard.cards.lifecycle import FinancialStatus, HrStatus
from sscard.kernel.errors import InvalidInput
from sscard.payments.rules import Answer, PaymentStatus, Reason, route, split_answers


def test_only_the_newest_active_account_is_paid() -> None:
    """SPEC PAY-1/2, REP-3, ISS-6: active -> instructed; not activated -> held with the
    reason; a superseded newest card -> held; a death -> returned; no card -> held."""
    assert route(HrStatus.ACTIVE, FinancialStatus.ACTIVE).status is PaymentStatus.INSTRUCTED
    assert route(HrStatus.PRODUCED, FinancialStatus.ACCOUNT_OPENED).reason is (
        Reason.FINANCIAL_NOT_ACTIVE
    )
    assert route(HrStatus.SUPERSEDED, FinancialStatus.ACTIVE).reason is Reason.REPLACEMENT_PENDING
    assert route(HrStatus.CANCELLED, FinancialStatus.CLOSED, True).reason is Reason.HOLDER_DECEASED
    assert route(None, None).reason is Reason.NO_CARD


def test_a_banks_answer_is_split_or_refused_by_name() -> None:
    """SPEC PAY-1: each id answered once; a success takes no reason, a refusal needs one."""
    done, refused = split_answers(
        [Answer(1, True, None), Answer(2, False, "no_account")], "payment_id"
    )
    assert (done, refused) == ([1], {2: "no_account"})
    for bad, field in (
        ([Answer(1, True, None), Answer(1, True, None)], "answers[1].payment_id"),
        ([Answer(1, True, "x")], "answers[0].reason"),
        ([Answer(1, False, None)], "answers[0].reason"),
    ):
        with pytest.raises(InvalidInput) as refused_input:
            split_answers(bad, "payment_id")
        assert refused_input.value.field == field
