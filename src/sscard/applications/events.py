"""The applications context's domain events, published in the transaction of the change.

Events carry references, never personal data. The statistics count them (GOV-6); the
electronic card (ECARD-1) and progress notices (APP-7) will subscribe too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sscard.applications.lifecycle import (
    ApplicationKind,
    ApplicationStatus,
    Voiding,
    WithdrawalReason,
)
from sscard.cards.entities import CardRef
from sscard.kernel.events import Event


@dataclass(frozen=True)
class ApplicationAccepted(Event):
    """An application was accepted (APP-2), of any kind and through any channel: where it was
    made and for which bank, so that subscribers need not read it back."""

    application_id: int
    reference: str
    kind: ApplicationKind
    channel: str
    city_code: str
    bank_code: str


@dataclass(frozen=True)
class ApplicationWithdrawn(Event):
    """Issue 11: an open application was withdrawn; `voided` is the card made for it, if one
    was (voided, destroyed, never issued), and `replaced` the card it was to replace, which
    stays superseded (LOSS-4)."""

    application_id: int
    reference: str
    kind: ApplicationKind
    from_state: ApplicationStatus
    reason: WithdrawalReason
    voiding: Voiding
    voided: CardRef | None
    replaced: CardRef | None
