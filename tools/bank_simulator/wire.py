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
"""

from __future__ import annotations

from enum import StrEnum

REPORTS_PATH = "/api/v1/bank-reports"
STATEMENT_COLUMNS = ("card_number", "account_number", "financial_status")
AS_OF_HEADER = "X-Sscard-As-Of"
MESSAGE_ID_MAX = 64  # the longest message id sscard sends, and the longest a report may carry


class Topic(StrEnum):
    """What sscard tells a bank."""

    ACCOUNT_REQUESTED = "bank.account_requested"  # production data: open the account
    CARD_STATUS_CHANGED = "bank.card_status_changed"  # an hr change of the card
    CARD_SUPERSEDED = "bank.card_superseded"  # exchange or replacement: the old card is dead
    ACCOUNT_CLOSURE_REQUESTED = "bank.account_closure_requested"  # CAN-3 closure notice


class DeliveryResult(StrEnum):
    """The bank's answer to one message."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"  # seen before: sscard counts it as delivered
    REJECTED = "rejected"  # refused; sscard tries again later


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
