"""The card's domain events: every change of a card, published in the transaction that makes it.

Subscribers in other contexts turn them into their own effects in that same transaction (banks:
a message to the card's bank; later the electronic card, scenes and payments); `cards` imports
none of them. Events carry the card's reference, never personal data.

Every transition of the hr function's lifecycle table publishes the HrFunctionChanged subclass
named for it (HR_EVENTS), so a subscriber chooses the changes it cares about by type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sscard.cards.entities import CardRef
from sscard.cards.lifecycle import CardEvent, FinancialEvent, FinancialStatus, HrStatus
from sscard.kernel.events import Event


def card_key(card_id: int) -> str:
    """The ordering key of every outbox message about one card: they are delivered in order."""
    return f"card:{card_id}"


@dataclass(frozen=True)
class CardChanged(Event):
    """Something happened to a card; `card` is the card as it is after the change."""

    card: CardRef


@dataclass(frozen=True)
class CardProduced(CardChanged):
    """SPEC ISS-1: the card was made for an application; its bank is to open the account."""

    application_reference: str


@dataclass(frozen=True)
class HrFunctionChanged(CardChanged):
    """A transition of the hr function (cards.lifecycle.HR_TABLE), with the card before it."""

    transition: CardEvent
    from_state: HrStatus
    to_state: HrStatus
    reason: str | None
    before: CardRef


@dataclass(frozen=True)
class CardCollected(HrFunctionChanged):
    """SPEC ISS-4: handed over at the outlet; the hr function is active."""


@dataclass(frozen=True)
class TemporaryLossReported(HrFunctionChanged):
    """SPEC LOSS-1: by the 12333 hotline, for 7 days."""


@dataclass(frozen=True)
class TemporaryLossLifted(HrFunctionChanged):
    """SPEC LOSS-1: the 7 days are over (the sweep, or the first write after them)."""


@dataclass(frozen=True)
class FormalLossReported(HrFunctionChanged):
    """SPEC LOSS-2: at an outlet of the card's bank (hr and financial) or online (hr only)."""


@dataclass(frozen=True)
class CardUnlocked(HrFunctionChanged):
    """SPEC LOSS-3: a temporary or formal loss unlocked through an allowed channel."""


@dataclass(frozen=True)
class ReplacementApplied(HrFunctionChanged):
    """SPEC REP-1, LOSS-4: a replacement was applied for; the old card is dead from now."""


@dataclass(frozen=True)
class ExchangeApplied(HrFunctionChanged):
    """SPEC REP-2, REP-3: an exchange was applied for; the old card was taken back."""


@dataclass(frozen=True)
class CardCancelled(HrFunctionChanged):
    """SPEC CAN-1..3: the hr function ended for good."""


@dataclass(frozen=True)
class CardVoided(HrFunctionChanged):
    """Issue 11: the application was withdrawn before collection; the card made for it is
    voided (destroyed, never issued) and its bank is told."""


@dataclass(frozen=True)
class CardCityChanged(HrFunctionChanged):
    """SPEC JUR-1 step 1: the card-management city changed (`before.city_code` -> the new)."""


@dataclass(frozen=True)
class SocialDataReset(HrFunctionChanged):
    """SPEC JUR-1 step 2: the new city reset the card's social data."""


HR_EVENTS: dict[CardEvent, type[HrFunctionChanged]] = {
    CardEvent.COLLECT: CardCollected,
    CardEvent.REPORT_TEMPORARY_LOSS: TemporaryLossReported,
    CardEvent.LIFT_TEMPORARY_LOSS: TemporaryLossLifted,
    CardEvent.REPORT_FORMAL_LOSS: FormalLossReported,
    CardEvent.UNLOCK: CardUnlocked,
    CardEvent.APPLY_REPLACEMENT: ReplacementApplied,
    CardEvent.APPLY_EXCHANGE: ExchangeApplied,
    CardEvent.CANCEL: CardCancelled,
    CardEvent.VOID: CardVoided,
    CardEvent.CHANGE_CITY: CardCityChanged,
    CardEvent.RESET_SOCIAL_DATA: SocialDataReset,
}


def hr_function_changed(
    transition: CardEvent,
    before: CardRef,
    after: CardRef,
    from_state: HrStatus,
    to_state: HrStatus,
    reason: str | None,
) -> HrFunctionChanged:
    """The typed event of one lifecycle transition."""
    return HR_EVENTS[transition](
        card=after,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        before=before,
    )


@dataclass(frozen=True)
class FinancialStatusChanged(CardChanged):
    """SPEC ISS-2, LOSS-2: the mirror of the bank's financial function moved, by the bank's
    report, or (report None) by reconciliation following the bank's statement."""

    report: FinancialEvent | None
    from_state: FinancialStatus
    to_state: FinancialStatus


@dataclass(frozen=True)
class CardSuperseded(CardChanged):
    """SPEC REP-3: the new card was handed over in place of `card`, which is dead."""

    new_card: CardRef


@dataclass(frozen=True)
class ClosureNoticeIssued(CardChanged):
    """SPEC CAN-3: the financial-account closure notice of a cancelled card."""

    notice_reference: str
    reason: str
    issued_at: datetime
