"""How the personal account learns that a new card carries the medical function (SPEC ISS-5,
REP-3): the card's collection, handled in the transaction of the change."""

from __future__ import annotations

from collections.abc import Sequence

from sscard.cards.events import CardCollected
from sscard.kernel.ctx import Ctx
from sscard.kernel.events import EventBus, Tally
from sscard.medical import service


async def on_card_collected(ctx: Ctx, events: Sequence[CardCollected]) -> Tally:
    moved = 0
    for e in events:
        moved += await service.move_to_card(ctx, e.card.person_id, e.card.id)
    return {"medical_accounts_moved": moved}


def subscribe(bus: EventBus) -> None:
    """Subscribe the personal account to the cards (called once by sscard.wiring.wire)."""
    bus.subscribe(CardCollected, on_card_collected)
