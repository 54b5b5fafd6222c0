"""sscard's bank interface as this bank reads it: topics, answers, report types, the statement.

Written from the published contract (sscard's README and its banks/protocol.py description), not
imported from it. Only what a bank needs is here; a name or value that drifts from sscard's makes
the simulator's tests fail (tests/tools/bank_simulator/test_contract.py).

Outbound (sscard -> bank), one signed webhook POST (or one broker message) per batch:
    {"messages": [{"message_id", "sequence", "topic", "card_number", "occurred_at", "payload"}]}
answered 200 with {"results": [{"message_id", "status", "error"?}]}.
Inbound (bank -> sscard), one signed POST /api/v1/bank-reports per report:
    {"message_id", "card_number", "sequence", "type", "occurred_at", ...the type's fields}
Statement: CSV card_number,account_number,financial_status, signed, with X-Sscard-As-Of.
Credit instructions (sscard -> bank, SPEC PAY-1/2): topic bank.credit_instruction, card_number
null, at most CREDITS_PER_INSTRUCTION payments, amounts in fen (1/100 yuan):
    {"instruction_id", "payer_code", "credits": [{"payment_id": int, "card_number",
     "amount_fen": int > 0, "kind", "period"}]}
with, from sscard, the control totals payment_count and total_fen too (the bank checks them),
answered once per payment, signed, in one or more POSTs to CREDIT_ANSWERS_PATH:
    {"instruction_id", "answers": [{"payment_id", "outcome", "reason"? (refused only)}]}
An answer repeated with the same outcome is a duplicate (2xx); another outcome, or a payment not
in the instruction, is refused whole (409 / 422).
Debit instructions (sscard -> bank, SPEC PAY-1 collections by mandate): topic
bank.debit_instruction, one message per debit, card_number set (the card whose account pays):
    {"debit_id": int, "card_number", "amount_fen": int > 0, "payee_code", "kind",
     "mandate_reference", "period"}
(sscard checked the holder's mandate), answered once per debit, signed, in one or more POSTs
to DEBIT_ANSWERS_PATH:
    {"answers": [{"debit_id", "outcome", "reason"? (refused only)}]}
with the credit answers' rules (duplicates counted; conflicts and strangers refused whole).
"""

from __future__ import annotations

from enum import StrEnum

REPORTS_PATH = "/api/v1/bank-reports"
CREDIT_ANSWERS_PATH = "/api/v1/bank-credit-answers"
CREDITS_PER_INSTRUCTION = 1000  # the most payments one instruction carries
DEBIT_ANSWERS_PATH = "/api/v1/bank-debit-answers"
STATEMENT_COLUMNS = ("card_number", "account_number", "financial_status")
AS_OF_HEADER = "X-Sscard-As-Of"
MESSAGE_ID_MAX = 64  # the longest message id sscard sends, and the longest a report may carry


class Topic(StrEnum):
    """What sscard tells a bank."""

    ACCOUNT_REQUESTED = "bank.account_requested"  # production data: open the account
    CARD_STATUS_CHANGED = "bank.card_status_changed"  # an hr change of the card
    CARD_SUPERSEDED = "bank.card_superseded"  # exchange or replacement: the old card is dead
    ACCOUNT_CLOSURE_REQUESTED = "bank.account_closure_requested"  # CAN-3 closure notice
    CREDIT_INSTRUCTION = "bank.credit_instruction"  # PAY-1: credit these payments to the cards
    DEBIT_INSTRUCTION = "bank.debit_instruction"  # PAY-1: debit the card's account by mandate


class DeliveryResult(StrEnum):
    """The bank's answer to one message."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"  # seen before: sscard counts it as delivered
    REJECTED = "rejected"  # refused; sscard tries again later


class CreditOutcome(StrEnum):
    """The bank's answer to one payment of a credit instruction."""

    CREDITED = "credited"
    REFUSED = "refused"


class CreditRefusal(StrEnum):
    """Why the bank refuses a credit (a refusal may also carry a code of the bank's own)."""

    NO_ACCOUNT = "no_account"  # the bank holds no account for the card
    ACCOUNT_CLOSED = "account_closed"
    ACCOUNT_NOT_ACTIVE = "account_not_active"  # opened, never activated at the counter


class DebitOutcome(StrEnum):
    """The bank's answer to one debit instruction."""

    DEBITED = "debited"
    REFUSED = "refused"


class DebitRefusal(StrEnum):
    """Why the bank refuses a debit (a refusal may also carry a code of the bank's own)."""

    NO_ACCOUNT = "no_account"  # the bank holds no account for the card
    ACCOUNT_CLOSED = "account_closed"
    ACCOUNT_NOT_ACTIVE = "account_not_active"  # opened, never activated at the counter
    ACCOUNT_LOST = "account_lost"  # a lost card's account pays nothing out
    INSUFFICIENT_FUNDS = "insufficient_funds"  # the balance is below the amount


class ReportType(StrEnum):
    """What the bank reports about a card it serves."""

    ACCOUNT_OPENED = "account_opened"  # carries account_number
    FINANCIAL_ACTIVATED = "financial_activated"
    FINANCIAL_LOSS = "financial_loss"
    FINANCIAL_LOSS_LIFTED = "financial_loss_lifted"
    FORMAL_LOSS = "formal_loss"  # carries outlet_code
    FORMAL_LOSS_LIFTED = "formal_loss_lifted"  # carries outlet_code
    ACCOUNT_CLOSED = "account_closed"


class ServiceChannel(StrEnum):
    COUNTER = "counter"
    ONSITE = "onsite"  # a visit to a holder who cannot come to the counter


class AccountStatus(StrEnum):
    """The account's status as the statement's financial_status column gives it."""

    ACCOUNT_OPENED = "account_opened"
    ACTIVE = "active"
    LOST = "lost"
    CLOSED = "closed"


# sscard's answer to a report it kept but refused by a rule (its sequence is used up).
INBOX_REJECTED = "rejected"
