"""The outbox rows that tell a bank something, one builder per topic (SPEC ISS-1/2, LOSS-1..3,
REP-3, CAN-3).

The card events' subscriber (subscribers.py) and reconciliation's resending build the same row
here, so the two can never say different things. No personal data: the holder is added at
delivery (enrichment.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sscard.banks.protocol import Topic
from sscard.cards.entities import CardRef
from sscard.cards.events import card_key
from sscard.cards.lifecycle import CardEvent, HrStatus
from sscard.platform.outbox import service as outbox


def account_requested(card: CardRef, application_reference: str, at: datetime) -> dict[str, Any]:
    """ISS-1/2: production data; the bank opens the account on it."""
    return outbox.new_row(
        topic=Topic.ACCOUNT_REQUESTED.value,
        recipient=card.bank_code,
        ordering_key=card_key(card.id),
        payload={
            "card_id": card.id,
            "card_number": card.card_number,
            "application_reference": application_reference,
            "city_code": card.city_code,
        },
        at=at,
    )


def card_status_changed(
    card: CardRef, transition: CardEvent, hr_status: HrStatus, at: datetime
) -> dict[str, Any]:
    """LOSS-1..3, CAN-3: the hr function of the bank's card changed (a loss, its lift or
    unlock, a replacement or exchange applied for, a cancellation, a city change)."""
    return outbox.new_row(
        topic=Topic.CARD_STATUS_CHANGED.value,
        recipient=card.bank_code,
        ordering_key=card_key(card.id),
        payload={
            "card_number": card.card_number,
            "event": transition.value,
            "hr_status": hr_status.value,
        },
        at=at,
    )


def closure_requested(
    card: CardRef, notice_reference: str, reason: str, issued_at: datetime, at: datetime
) -> dict[str, Any]:
    """CAN-3: the financial-account closure notice; the bank closes the account on it."""
    return outbox.new_row(
        topic=Topic.ACCOUNT_CLOSURE_REQUESTED.value,
        recipient=card.bank_code,
        ordering_key=card_key(card.id),
        payload={
            "notice_reference": notice_reference,
            "card_number": card.card_number,
            "reason": reason,
            "city_code": card.city_code,
            "issued_at": issued_at.isoformat(),
        },
        at=at,
    )


def card_superseded(card: CardRef, new_card: CardRef, at: datetime) -> dict[str, Any]:
    """REP-3: the old card is dead; its bank decides what becomes of its account."""
    return outbox.new_row(
        topic=Topic.CARD_SUPERSEDED.value,
        recipient=card.bank_code,
        ordering_key=card_key(card.id),
        payload={
            "old_card_number": card.card_number,
            "new_card_number": new_card.card_number,
            "new_bank_code": new_card.bank_code,
            "same_bank": card.bank_code == new_card.bank_code,
        },
        at=at,
    )
