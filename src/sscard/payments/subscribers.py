"""Held payments follow the cards (SPEC PAY-2, ISS-6, REP-3): when a card's financial
function moves (activated at the bank, a loss lifted, an account closed) or a card is
cancelled, the holder's held payments are routed again in the same transaction: paid to the
newest active account, returned when the card was cancelled, or still held with the new
reason."""

from __future__ import annotations

from collections.abc import Sequence

from sscard.cards.events import CardChanged, ClosureNoticeIssued, FinancialStatusChanged
from sscard.kernel.ctx import Ctx
from sscard.kernel.events import Tally
from sscard.payments import service as payments

# A cancellation is followed by its closure notice, published once the cancellation (and its
# reason: a death returns the payment as such) is stored.
FOLLOWED: tuple[type[CardChanged], ...] = (FinancialStatusChanged, ClosureNoticeIssued)


async def on_card_changed(ctx: Ctx, events: Sequence[CardChanged]) -> Tally:
    """One rerouting for all the events' holders; counts by new status (`payments_paid`...)."""
    moved = await payments.release_or_return(ctx, [e.card.person_id for e in events])
    return {f"payments_{status}": n for status, n in moved.items()} or None
