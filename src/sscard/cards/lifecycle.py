"""The card's lifecycle: states per function and the allowed transitions, as a table. Pure.

The hr function is ours; the financial function is the bank's, mirrored here. Only the
transitions named in HR_TRANSITIONS can happen; anything else is refused by name.
"""

from __future__ import annotations

import secrets
from datetime import date
from enum import StrEnum

from sscard.errors import DomainError

GENERATION = 3
SPEC_VERSION = "3.00"
VALIDITY_YEARS = 10


class HrStatus(StrEnum):
    PRODUCED = "produced"  # made, sealed, not yet collected
    ACTIVE = "active"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"


class FinancialStatus(StrEnum):
    ACCOUNT_REQUESTED = "account_requested"
    ACCOUNT_OPENED = "account_opened"
    ACTIVE = "active"
    CLOSED = "closed"


class CardEvent(StrEnum):
    COLLECT = "collect"


# (state, event) -> next state  (SPEC ISS-4: collection makes the hr function active by itself)
HR_TRANSITIONS: dict[tuple[HrStatus, CardEvent], HrStatus] = {
    (HrStatus.PRODUCED, CardEvent.COLLECT): HrStatus.ACTIVE,
}

DEAD_HR_STATES = frozenset({HrStatus.CANCELLED, HrStatus.SUPERSEDED})


class CardTransitionRefused(DomainError):
    code = "card_transition_refused"
    status = 409
    message_zh = "卡片当前状态为“{state}”，不能执行“{event}”"
    message_en = "The card is '{state}'; '{event}' is not allowed"


def next_hr_status(state: HrStatus, event: CardEvent) -> HrStatus:
    try:
        return HR_TRANSITIONS[(state, event)]
    except KeyError:
        raise CardTransitionRefused(state=state.value, event=event.value) from None


def is_live(state: HrStatus) -> bool:
    """SPEC ID-3: a card counts against one-person-one-card until cancelled or superseded."""
    return state not in DEAD_HR_STATES


_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O, which read as digits


def card_number(sequence: int) -> str:
    """Nine characters, a letter and eight digits (SPEC §17), unique per sequence value."""
    letter, digits = divmod(sequence, 100_000_000)
    if letter >= len(_LETTERS):
        raise OverflowError("card number space exhausted")
    return f"{_LETTERS[letter]}{digits:08d}"


def identification_code(area_code: str, random_hex: str | None = None) -> str:
    """32 characters: area code + D156 + 000005 + 16 hex digits (SPEC §17)."""
    tail = (random_hex or secrets.token_hex(8)).upper()
    code = f"{area_code}D156000005{tail}"
    if len(code) != 32:
        raise ValueError("identification code must be 32 characters")
    return code


def expiry_date(issue: date) -> date:
    """Issue date plus ten years (SPEC ISS-7, §17); 29 February expires on 28 February."""
    try:
        return issue.replace(year=issue.year + VALIDITY_YEARS)
    except ValueError:
        return issue.replace(year=issue.year + VALIDITY_YEARS, day=28)
