"""How the ecard learns of its card's changes (SPEC ECARD-1, ECARD-2): card events, handled in
the transaction of the change, so the ecard and the card never disagree."""

from __future__ import annotations

from collections.abc import Sequence

from sscard.cards.events import (
    CardCancelled,
    CardCollected,
    CardProduced,
    CardUnlocked,
    CardVoided,
    ExchangeApplied,
    FormalLossReported,
    HrFunctionChanged,
    ReplacementApplied,
    TemporaryLossLifted,
    TemporaryLossReported,
)
from sscard.ecards import service
from sscard.ecards.lifecycle import EcardEvent
from sscard.kernel.ctx import Ctx
from sscard.kernel.events import EventBus, Tally

# What each change of the card's hr function means for its ecard; the changes not listed
# (a new card-management city, its social data reset) leave the ecard as it is.
FOLLOWS: dict[type[HrFunctionChanged], EcardEvent] = {
    CardCollected: EcardEvent.ACTIVATE,
    TemporaryLossReported: EcardEvent.SUSPEND,
    FormalLossReported: EcardEvent.SUSPEND,
    TemporaryLossLifted: EcardEvent.RESUME,
    CardUnlocked: EcardEvent.RESUME,
    ReplacementApplied: EcardEvent.DETACH,
    ExchangeApplied: EcardEvent.DETACH,
    CardCancelled: EcardEvent.END,
    CardVoided: EcardEvent.END,
}


async def on_card_produced(ctx: Ctx, events: Sequence[CardProduced]) -> Tally:
    return {"ecards": await service.on_cards_produced(ctx, [e.card for e in events])}


async def on_hr_function_changed(ctx: Ctx, events: Sequence[HrFunctionChanged]) -> Tally:
    """One run of events holds one type (kernel.events): one ecard event for all."""
    event = FOLLOWS[type(events[0])]
    return {"ecards": await service.follow_cards(ctx, event, [e.card for e in events])}


def subscribe(bus: EventBus) -> None:
    """Subscribe the ecard to its card (called once by sscard.wiring.wire)."""
    bus.subscribe(CardProduced, on_card_produced)
    for changed in FOLLOWS:
        bus.subscribe(changed, on_hr_function_changed)
