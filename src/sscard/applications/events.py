"""The applications context's domain events, published in the transaction of the change.

Events carry references, never personal data. Nothing subscribes yet: the electronic card
(ECARD-1) and progress notices (APP-7) will.
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
