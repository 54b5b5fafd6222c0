"""sscard's side of what it and a bank say to each other. Pure data.

A bank implements the other side from this contract on its own (the simulator does, in
tools/bank_simulator/wire.py; tests/tools/bank_simulator/test_contract.py compares the two).

Outbound (sscard -> bank): the delivery envelope of platform/outbox/protocol.py, with the topics
below and their payloads (banks/messages.py).

Inbound (bank -> sscard), one signed POST /api/v1/bank-reports per report, as a bank system:
    {"message_id", "card_number", "sequence", "type", "occurred_at", ...type's fields}
`sequence` is the bank's own count of reports for that card, from 1 with no gaps.

Statement (bank -> sscard, for reconciliation): GET the endpoint's statement_url (signed request
headers, signed response), or an uploaded file, in CSV with a header line:
    card_number,account_number,financial_status
one line per card the bank holds an account for; financial_status is a FinancialStatus value.
The response carries the moment it describes in the X-Sscard-As-Of header (ISO 8601).

Credit instructions (sscard -> bank, SPEC PAY-1/2): topic `bank.credit_instruction`, one
message per instruction (at most CREDITS_PER_INSTRUCTION payments), card_number null:
    {"instruction_id", "payment_count", "total_fen", "credits": [{"payment_id": int,
     "card_number", "amount_fen": int > 0, "kind", "period"}]}
(the credits are added at delivery; payment_count and total_fen are the control totals)
The bank credits each card's account (or refuses the one it cannot) and answers every payment
exactly once, signed, as a bank system, in one or more POSTs to /api/v1/bank-credit-answers:
    {"instruction_id", "answers": [{"payment_id": int, "outcome": "credited" | "refused",
     "reason": text (refused only: a CreditRefusal value or the bank's own code)}]}
An answer repeated with the same outcome is a duplicate (200, counted); another outcome for a
payment already answered is refused whole (409 answer_conflicts), as is a payment that is not
in the instruction (422); a refused answer changes nothing.

Debit instructions (sscard -> bank, SPEC PAY-1 collections): topic `bank.debit_instruction`,
one message per debit, about the card whose account is debited (card_number set):
    {"debit_id": int, "card_number", "amount_fen": int > 0, "payee_code", "kind",
     "mandate_reference", "period"}
The holder's mandate for the payee was checked by sscard. The bank debits the account (or
refuses: no account, closed, not active, insufficient funds) and answers each debit exactly
once, signed, as a bank system, POST /api/v1/bank-debit-answers:
    {"answers": [{"debit_id": int, "outcome": "debited" | "refused", "reason": text (refused
     only: a DebitRefusal value or the bank's own code)}]}
with the same rules as credit answers (duplicates counted, conflicts and strangers refused
whole).
"""

from __future__ import annotations

from enum import StrEnum

from sscard.cards.lifecycle import FinancialEvent

STATEMENT_COLUMNS = ("card_number", "account_number", "financial_status")
AS_OF_HEADER = "X-Sscard-As-Of"


class Topic(StrEnum):
    """Outbound topics a bank receives (SPEC ISS-1/2, LOSS-1..3, REP-3, CAN-3)."""

    ACCOUNT_REQUESTED = "bank.account_requested"  # production data: open the account
    CARD_STATUS_CHANGED = "bank.card_status_changed"  # hr loss, lift, unlock, cancel...
    CARD_SUPERSEDED = "bank.card_superseded"  # exchange or replacement: the old card is dead
    ACCOUNT_CLOSURE_REQUESTED = "bank.account_closure_requested"  # CAN-3 closure notice
    CREDIT_INSTRUCTION = "bank.credit_instruction"  # PAY-1: credit these payments to the cards
    DEBIT_INSTRUCTION = "bank.debit_instruction"  # PAY-1: debit the card's account by mandate


CREDIT_ANSWERS_PATH = "/api/v1/bank-credit-answers"
DEBIT_ANSWERS_PATH = "/api/v1/bank-debit-answers"
CREDITS_PER_INSTRUCTION = 1000


class CreditOutcome(StrEnum):
    """The bank's answer to one payment of a credit instruction (PAY-1)."""

    CREDITED = "credited"
    REFUSED = "refused"


class CreditRefusal(StrEnum):
    """Why a bank refuses a credit; a bank may send its own code too (kept as text)."""

    NO_ACCOUNT = "no_account"  # the bank holds no account for the card
    ACCOUNT_CLOSED = "account_closed"
    ACCOUNT_NOT_ACTIVE = "account_not_active"  # opened, never activated at the bank (ISS-4)


class DebitOutcome(StrEnum):
    """The bank's answer to one debit instruction (PAY-1 collections)."""

    DEBITED = "debited"
    REFUSED = "refused"


class DebitRefusal(StrEnum):
    """Why a bank refuses a debit; a bank may send its own code too (kept as text)."""

    NO_ACCOUNT = "no_account"
    ACCOUNT_CLOSED = "account_closed"
    ACCOUNT_NOT_ACTIVE = "account_not_active"
    ACCOUNT_LOST = "account_lost"  # a lost card's account pays nothing out
    INSUFFICIENT_FUNDS = "insufficient_funds"


class ReportType(StrEnum):
    """What a bank reports about a card it serves (SPEC ISS-2, ISS-4, LOSS-2/3, CAN-3)."""

    ACCOUNT_OPENED = "account_opened"  # needs account_number
    FINANCIAL_ACTIVATED = "financial_activated"
    FINANCIAL_LOSS = "financial_loss"  # the bank's own (temporary) loss: financial function only
    FINANCIAL_LOSS_LIFTED = "financial_loss_lifted"
    FORMAL_LOSS = "formal_loss"  # at the bank's counter: hr and financial together; outlet_code
    FORMAL_LOSS_LIFTED = "formal_loss_lifted"  # unlock at the bank's counter; outlet_code
    ACCOUNT_CLOSED = "account_closed"


class ServiceChannel(StrEnum):
    COUNTER = "counter"
    ONSITE = "onsite"  # 上门服务: a visit to a holder unable to travel (SPEC ISS-4, CH-1)


# Reports that only move the financial mirror, and the mirror's event for each.
FINANCIAL_REPORTS: dict[ReportType, FinancialEvent] = {
    ReportType.ACCOUNT_OPENED: FinancialEvent.ACCOUNT_OPENED,
    ReportType.FINANCIAL_ACTIVATED: FinancialEvent.ACTIVATED,
    ReportType.FINANCIAL_LOSS: FinancialEvent.REPORTED_LOST,
    ReportType.FINANCIAL_LOSS_LIFTED: FinancialEvent.LOSS_LIFTED,
    ReportType.ACCOUNT_CLOSED: FinancialEvent.CLOSED,
}
# Reports done at one of the bank's outlets, which must name it (SPEC LOSS-2/3).
OUTLET_REPORTS = frozenset({ReportType.FORMAL_LOSS, ReportType.FORMAL_LOSS_LIFTED})


class InboxStatus(StrEnum):
    APPLIED = "applied"
    DEFERRED = "deferred"  # arrived before an earlier sequence; applied when the gap fills
    REJECTED = "rejected"  # well formed, refused by a rule; its sequence is used up
