"""The ecard's lifecycle (SPEC ECARD-2): a table, pure.

The ecard mirrors the card behind it: pending until the card is collected, active, suspended
while the card is lost (LOSS-5), moving from the moment a replacement or exchange is applied for
until the new card is made (then pending on the new card: the same ecard), ended with the card.
"""

from __future__ import annotations

from enum import StrEnum

from sscard.kernel.errors import DomainError


class EcardStatus(StrEnum):
    PENDING = "pending"  # the card is made, not yet collected
    ACTIVE = "active"
    SUSPENDED = "suspended"  # the card is temporarily or formally lost (LOSS-5)
    MOVING = "moving"  # the card is superseded; the new one is not made yet
    ENDED = "ended"  # the card was cancelled or voided: never again


class EcardEvent(StrEnum):
    """What a card event means for its ecard (ecards.subscribers maps one to the other)."""

    ACTIVATE = "activate"  # CardCollected
    SUSPEND = "suspend"  # TemporaryLossReported, FormalLossReported
    RESUME = "resume"  # TemporaryLossLifted, CardUnlocked
    DETACH = "detach"  # ReplacementApplied, ExchangeApplied
    MOVE = "move"  # CardProduced for a holder whose ecard is moving
    END = "end"  # CardCancelled, CardVoided


S, E = EcardStatus, EcardEvent
ECARD_TABLE: dict[tuple[EcardStatus, EcardEvent], EcardStatus] = {
    (S.PENDING, E.ACTIVATE): S.ACTIVE,
    (S.ACTIVE, E.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, E.SUSPEND): S.SUSPENDED,  # a temporary loss made formal
    (S.SUSPENDED, E.RESUME): S.ACTIVE,
    (S.ACTIVE, E.DETACH): S.MOVING,
    (S.SUSPENDED, E.DETACH): S.MOVING,  # a replacement after a formal loss (REP-1)
    (S.MOVING, E.MOVE): S.PENDING,
    (S.PENDING, E.END): S.ENDED,
    (S.ACTIVE, E.END): S.ENDED,
    (S.SUSPENDED, E.END): S.ENDED,
    (S.MOVING, E.END): S.ENDED,
}
# Where the ecard works: in every other state a scene refuses it (LOSS-5, ECARD-2).
USABLE = frozenset({S.ACTIVE})


class EcardOutOfStep(DomainError):
    """A card event the ecard's state does not admit: the two no longer mirror each other,
    and the change is refused whole rather than leave them apart (ECARD-2)."""

    code = "ecard_out_of_step"
    status = 409
    rule = "ECARD-2"
    message_zh = "电子社保卡状态“{state}”与实体卡变更“{event}”不一致"
    message_en = "The ecard's state '{state}' does not admit the card's change '{event}'"


def next_status(state: EcardStatus, event: EcardEvent) -> EcardStatus:
    """The ecard's state after `event`; EcardOutOfStep if the table does not list the pair."""
    to = ECARD_TABLE.get((state, event))
    if to is None:
        raise EcardOutOfStep(state=state.value, event=event.value)
    return to
