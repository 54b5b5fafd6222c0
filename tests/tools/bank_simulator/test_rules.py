"""The simulated bank's own rules: account numbers, the teller's table and which account takes a
credit (SPEC ISS-2, ISS-4, LOSS-2/3, CAN-3, PAY-1)."""

from __future__ import annotations

import pytest

from bank_simulator.rules import (
    TELLER_TABLE,
    Holding,
    LossKind,
    TellerAction,
    TellerRefused,
    credit_refusal,
    default_bin,
    luhn_check_digit,
    luhn_valid,
    new_account_number,
    teller_change,
)
from bank_simulator.wire import AccountStatus, CreditRefusal, ReportType

A, F = TellerAction, AccountStatus


def test_luhn_known_vectors() -> None:
    assert luhn_valid("79927398713")
    assert luhn_valid("4539578763621486")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("7992739871a")
    assert luhn_check_digit("7992739871") == "3"


def test_account_numbers_are_nineteen_digits_under_the_bin_and_luhn_valid() -> None:
    # SPEC ISS-2: a UnionPay debit account (16 to 19 digits)
    numbers = {new_account_number("622202") for _ in range(500)}
    assert len(numbers) == 500
    for n in numbers:
        assert len(n) == 19
        assert n.startswith("622202")
        assert luhn_valid(n)


def test_any_single_digit_change_breaks_the_check() -> None:
    n = new_account_number("621721")
    for i in range(len(n)):
        for d in "0123456789":
            if d != n[i]:
                assert not luhn_valid(n[:i] + d + n[i + 1 :])


def test_default_bin_is_stable_and_unionpay_like() -> None:
    assert default_bin("SZB") == default_bin("SZB")
    assert default_bin("SZB").startswith("62")
    assert len(default_bin("SZB")) == 6


def test_activation_needs_an_opened_account() -> None:
    # SPEC ISS-4
    change = teller_change(F.ACCOUNT_OPENED, None, None, A.ACTIVATE)
    assert change.status is F.ACTIVE
    assert change.report is ReportType.FINANCIAL_ACTIVATED
    with pytest.raises(TellerRefused):
        teller_change(F.ACTIVE, None, None, A.ACTIVATE)


def test_a_financial_loss_lifts_back_to_where_it_was() -> None:
    lost = teller_change(F.ACCOUNT_OPENED, None, None, A.FINANCIAL_LOSS)
    assert (lost.status, lost.loss_kind, lost.before_loss) == (
        F.LOST,
        LossKind.FINANCIAL,
        F.ACCOUNT_OPENED,
    )
    lifted = teller_change(F.LOST, LossKind.FINANCIAL, F.ACCOUNT_OPENED, A.FINANCIAL_LOSS_LIFT)
    assert lifted.status is F.ACCOUNT_OPENED
    assert lifted.report is ReportType.FINANCIAL_LOSS_LIFTED


def test_a_formal_loss_is_unlocked_only_by_a_formal_unlock() -> None:
    # SPEC LOSS-2, LOSS-3: the formal loss at the bank covers both functions
    lost = teller_change(F.ACTIVE, None, None, A.FORMAL_LOSS)
    assert (lost.status, lost.loss_kind, lost.report) == (
        F.LOST,
        LossKind.FORMAL,
        ReportType.FORMAL_LOSS,
    )
    with pytest.raises(TellerRefused):
        teller_change(F.LOST, LossKind.FORMAL, F.ACTIVE, A.FINANCIAL_LOSS_LIFT)
    with pytest.raises(TellerRefused):
        teller_change(F.LOST, LossKind.FINANCIAL, F.ACTIVE, A.FORMAL_UNLOCK)
    unlocked = teller_change(F.LOST, LossKind.FORMAL, F.ACTIVE, A.FORMAL_UNLOCK)
    assert (unlocked.status, unlocked.report) == (F.ACTIVE, ReportType.FORMAL_LOSS_LIFTED)


def test_close_from_any_open_holding_but_not_twice() -> None:
    # SPEC CAN-3
    for status, kind in [
        (F.ACCOUNT_OPENED, None),
        (F.ACTIVE, None),
        (F.LOST, LossKind.FINANCIAL),
        (F.LOST, LossKind.FORMAL),
    ]:
        closed = teller_change(status, kind, F.ACTIVE, A.CLOSE)
        assert (closed.status, closed.loss_kind, closed.report) == (
            F.CLOSED,
            None,
            ReportType.ACCOUNT_CLOSED,
        )
    with pytest.raises(TellerRefused) as refused:
        teller_change(F.CLOSED, None, None, A.CLOSE)
    assert refused.value.status == 409


def test_every_action_out_of_a_closed_account_is_refused() -> None:
    for action in TellerAction:
        assert (Holding.CLOSED, action) not in TELLER_TABLE
        with pytest.raises(TellerRefused):
            teller_change(F.CLOSED, None, None, action)


@pytest.mark.parametrize(
    ("status", "refusal"),
    [
        (None, CreditRefusal.NO_ACCOUNT),
        (F.ACCOUNT_OPENED, CreditRefusal.ACCOUNT_NOT_ACTIVE),
        (F.CLOSED, CreditRefusal.ACCOUNT_CLOSED),
        (F.ACTIVE, None),
        (F.LOST, None),  # a lost card's account still takes incoming money
    ],
)
def test_which_account_takes_a_credit(
    status: AccountStatus | None, refusal: CreditRefusal | None
) -> None:
    # SPEC PAY-1
    assert credit_refusal(status) == refusal


def test_every_account_status_has_a_credit_answer() -> None:
    assert {credit_refusal(s) for s in AccountStatus} == {
        None,
        CreditRefusal.ACCOUNT_NOT_ACTIVE,
        CreditRefusal.ACCOUNT_CLOSED,
    }
