"""Offers granted in the transaction of the card event that qualifies (SPEC PRM-1): a card's
financial function activated at its bank, a card collected."""

from __future__ import annotations

from collections.abc import Sequence

from sscard.cards.events import CardCollected, FinancialStatusChanged
from sscard.cards.lifecycle import FinancialEvent, FinancialStatus
from sscard.kernel.ctx import Ctx
from sscard.kernel.events import Tally
from sscard.promotions import service as promotions
from sscard.promotions.rules import Trigger


async def on_financial_status_changed(ctx: Ctx, events: Sequence[FinancialStatusChanged]) -> Tally:
    """An activation at the bank (ISS-4): opened -> active, by the bank's report."""
    activated = [
        e.card
        for e in events
        if e.report is FinancialEvent.ACTIVATED
        and e.from_state is FinancialStatus.ACCOUNT_OPENED
        and e.to_state is FinancialStatus.ACTIVE
    ]
    if not activated:
        return None
    n = await promotions.grant_on(ctx, Trigger.FIRST_FINANCIAL_ACTIVATION, activated)
    return {"offers_granted": n} if n else None


async def on_card_collected(ctx: Ctx, events: Sequence[CardCollected]) -> Tally:
    n = await promotions.grant_on(ctx, Trigger.CARD_COLLECTED, [e.card for e in events])
    return {"offers_granted": n} if n else None
