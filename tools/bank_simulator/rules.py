"""The simulated bank's own rules, pure: account numbers, what a teller may do to an account, and
which account takes a credit or pays a debit.

The bank's side of a card is its account; its states are the statement's AccountStatus values,
plus which kind of loss holds it (the bank's own financial loss, or a formal loss of both
functions).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from bank_simulator.errors import BankError
from bank_simulator.wire import AccountStatus, CreditRefusal, DebitRefusal, ReportType

ACCOUNT_LENGTH = 19  # UnionPay debit cards: 16 to 19 digits; this bank issues 19


def luhn_check_digit(body: str) -> str:
    """The digit that makes body + digit pass the Luhn (mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # doubled: these become the odd positions once the check digit is added
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    digits = number.isascii() and number.isdigit() and len(number) >= 2
    return digits and luhn_check_digit(number[:-1]) == number[-1]


# Issuer prefixes (BINs) this simulator issues under, as the banks publish them; a bank not
# listed gets a stable made-up one. sscard's registry lists the same for the banks it knows.
KNOWN_BINS = {"ICBC": "622202"}


def bank_bin(bank_code: str, configured: str | None = None) -> str:
    """The prefix of the bank's new account numbers: configured, known, or made up."""
    return configured or KNOWN_BINS.get(bank_code) or default_bin(bank_code)


def default_bin(bank_code: str) -> str:
    """A stable six-digit UnionPay-like prefix (62....) for a bank without a configured one."""
    digest = int(hashlib.sha256(bank_code.encode()).hexdigest(), 16)
    return f"62{digest % 10_000:04d}"


def new_account_number(bin_: str, length: int = ACCOUNT_LENGTH) -> str:
    """A random account number under the BIN, with its Luhn check digit."""
    body = bin_ + "".join(secrets.choice("0123456789") for _ in range(length - len(bin_) - 1))
    return body + luhn_check_digit(body)


# ---- the teller's counter ----


class TellerAction(StrEnum):
    ACTIVATE = "activate"  # ISS-4: the holder activates the financial function
    FINANCIAL_LOSS = "financial-loss"  # the bank's own loss of the financial function
    FINANCIAL_LOSS_LIFT = "financial-loss-lift"
    FORMAL_LOSS = "formal-loss"  # LOSS-2: hr and financial together, at this outlet
    FORMAL_UNLOCK = "formal-unlock"  # LOSS-3
    CLOSE = "close"  # CAN-3, REP-1a: the account is closed


class LossKind(StrEnum):
    FINANCIAL = "financial"
    FORMAL = "formal"


class Holding(StrEnum):
    """The account as the counter sees it: its status, and for a loss which kind."""

    ACCOUNT_OPENED = "account_opened"
    ACTIVE = "active"
    LOST_FINANCIAL = "lost_financial"
    LOST_FORMAL = "lost_formal"
    CLOSED = "closed"


@dataclass(frozen=True)
class Move:
    to: Holding | None  # None: back to the status before the loss
    report: ReportType


A, Hd = TellerAction, Holding
_OPEN = (Hd.ACCOUNT_OPENED, Hd.ACTIVE, Hd.LOST_FINANCIAL, Hd.LOST_FORMAL)
# What the counter may do, from which holding. Anything else is refused by name.
TELLER_TABLE: dict[tuple[Holding, TellerAction], Move] = {
    (Hd.ACCOUNT_OPENED, A.ACTIVATE): Move(Hd.ACTIVE, ReportType.FINANCIAL_ACTIVATED),
    (Hd.ACCOUNT_OPENED, A.FINANCIAL_LOSS): Move(Hd.LOST_FINANCIAL, ReportType.FINANCIAL_LOSS),
    (Hd.ACTIVE, A.FINANCIAL_LOSS): Move(Hd.LOST_FINANCIAL, ReportType.FINANCIAL_LOSS),
    (Hd.LOST_FINANCIAL, A.FINANCIAL_LOSS_LIFT): Move(None, ReportType.FINANCIAL_LOSS_LIFTED),
    (Hd.ACCOUNT_OPENED, A.FORMAL_LOSS): Move(Hd.LOST_FORMAL, ReportType.FORMAL_LOSS),
    (Hd.ACTIVE, A.FORMAL_LOSS): Move(Hd.LOST_FORMAL, ReportType.FORMAL_LOSS),
    (Hd.LOST_FORMAL, A.FORMAL_UNLOCK): Move(None, ReportType.FORMAL_LOSS_LIFTED),
    **{(h, A.CLOSE): Move(Hd.CLOSED, ReportType.ACCOUNT_CLOSED) for h in _OPEN},
}
# Done at an outlet, which the report must name (SPEC LOSS-2/3).
OUTLET_ACTIONS = frozenset({A.FORMAL_LOSS, A.FORMAL_UNLOCK})


class TellerRefused(BankError):
    code = "teller_action_refused"
    status = 409
    message_zh = "账户当前状态为“{holding}”，不能办理“{action}”"
    message_en = "The account is '{holding}'; '{action}' is not allowed"


def holding(status: str, loss_kind: str | None) -> Holding:
    if status == AccountStatus.LOST:
        return Hd.LOST_FORMAL if loss_kind == LossKind.FORMAL else Hd.LOST_FINANCIAL
    return Hd(status)


@dataclass(frozen=True)
class Change:
    """The account's new columns after a teller action, and the report it owes sscard."""

    status: AccountStatus
    loss_kind: LossKind | None
    before_loss: AccountStatus | None
    report: ReportType


def teller_change(
    status: str, loss_kind: str | None, before_loss: str | None, action: TellerAction
) -> Change:
    """Where a teller action takes the account; TellerRefused if the table does not list it."""
    now = holding(status, loss_kind)
    move = TELLER_TABLE.get((now, action))
    if move is None:
        raise TellerRefused(field="action", holding=now.value, action=action.value)
    if move.to is None:  # a lift returns to where the account was before the loss
        back = AccountStatus(before_loss) if before_loss else AccountStatus.ACTIVE
        return Change(back, None, None, move.report)
    if move.to in (Hd.LOST_FINANCIAL, Hd.LOST_FORMAL):
        kind = LossKind.FORMAL if move.to is Hd.LOST_FORMAL else LossKind.FINANCIAL
        return Change(AccountStatus.LOST, kind, AccountStatus(status), move.report)
    return Change(AccountStatus(move.to.value), None, None, move.report)


# What sscard's own counters did to a card that the bank's account follows (LOSS-2/3): a formal
# loss taken at sscard's bank desk stops the account too, and its unlock lets it go again.
# The names are sscard's hr transitions as bank.card_status_changed carries them.
REGISTRY_EVENTS = {
    "report_formal_loss": TellerAction.FORMAL_LOSS,
    "unlock": TellerAction.FORMAL_UNLOCK,
}


def registry_change(
    status: str, loss_kind: str | None, before_loss: str | None, event: str | None
) -> Change | None:
    """Where sscard's hr change takes the account, or None when it does not touch it (a
    temporary loss is the hr function's alone; an unlock of one finds no formal loss here;
    a formal loss of an account already lost or closed leaves it as it is)."""
    action = REGISTRY_EVENTS.get(event or "")
    if action is None:
        return None
    try:
        return teller_change(status, loss_kind, before_loss, action)
    except TellerRefused:
        return None


# ---- credits (PAY-1) ----


def credit_refusal(status: str | None) -> CreditRefusal | None:
    """Why an account in this status (None: the bank holds none) cannot take a credit, or None
    when it can: an active account, and a lost one too (a lost card's account still takes
    incoming money; only paying out is stopped)."""
    if status is None:
        return CreditRefusal.NO_ACCOUNT
    if status == AccountStatus.CLOSED:
        return CreditRefusal.ACCOUNT_CLOSED
    if status == AccountStatus.ACCOUNT_OPENED:
        return CreditRefusal.ACCOUNT_NOT_ACTIVE
    return None


def debit_refusal(status: str | None, balance_fen: int, amount_fen: int) -> DebitRefusal | None:
    """Why an account in this status (None: the bank holds none) with this balance cannot pay
    the amount, or None when it pays: only an active account pays out (a lost one does not),
    and no further than its balance (no overdraft)."""
    if status is None:
        return DebitRefusal.NO_ACCOUNT
    if status == AccountStatus.CLOSED:
        return DebitRefusal.ACCOUNT_CLOSED
    if status == AccountStatus.ACCOUNT_OPENED:
        return DebitRefusal.ACCOUNT_NOT_ACTIVE
    if status == AccountStatus.LOST:
        return DebitRefusal.ACCOUNT_LOST
    if balance_fen < amount_fen:
        return DebitRefusal.INSUFFICIENT_FUNDS
    return None
