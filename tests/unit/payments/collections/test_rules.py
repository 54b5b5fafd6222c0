"""A mandate's limit is per period, pure (SPEC PAY-1; adversarial review of issue 15, B)."""

from __future__ import annotations

from sscard.payments.collections.rules import (
    COUNTED,
    DebitStatus,
    OverMandateLimit,
    left_in_period,
    mandate_problem,
)


def test_what_is_left_in_a_period() -> None:
    """PAY-1: the limit less the period's counted debits, never below nothing."""
    assert left_in_period(5_000, 0) == 5_000
    assert left_in_period(5_000, 3_000) == 2_000
    assert left_in_period(5_000, 5_000) == 0
    assert left_in_period(5_000, 7_000) == 0


def test_refused_debits_do_not_count() -> None:
    assert {DebitStatus.INSTRUCTED, DebitStatus.DEBITED} == COUNTED


def test_the_refusal_says_what_is_left_and_the_limit_is_per_period() -> None:
    refusal = OverMandateLimit(
        field="amount_fen",
        amount="50.00",
        limit="50.00",
        period="2026-11",
        taken="50.00",
        left="0.00",
        left_fen=0,
    )
    assert "本期还可扣0.00元" in refusal.detail_zh
    assert "每期上限" in refusal.detail_zh
    assert "0.00 yuan is left" in refusal.detail_en
    assert "per period" in refusal.detail_en
    assert refusal.extra() == {"period": "2026-11", "left_fen": 0}
    problem = mandate_problem(0, "W-0001")
    assert problem is not None
    assert "per period" in problem[2]
