"""How the banks learn of a card's changes: card events become outbox rows for the card's bank,
in the transaction of the change (SPEC ISS-1/2, LOSS-1..3, REP-3, CAN-3).

This is the only way a card change reaches a bank. What the wire carries is unchanged from when
cards wrote these rows themselves; tests/integration/banks/test_wire_format.py pins it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sscard.banks import messages
from sscard.cards.entities import CardRef
from sscard.cards.events import (
    CardCancelled,
    CardCityChanged,
    CardProduced,
    CardSuperseded,
    CardUnlocked,
    CardVoided,
    ClosureNoticeIssued,
    ExchangeApplied,
    FormalLossReported,
    HrFunctionChanged,
    ReplacementApplied,
    SocialDataReset,
    TemporaryLossLifted,
    TemporaryLossReported,
)
from sscard.kernel.actor import Actor, Role
from sscard.kernel.ctx import Ctx
from sscard.kernel.events import Tally
from sscard.platform.outbox import service as outbox

# The hr changes a card's bank is told of. Collection is not among them: the bank learns of the
# holder at its own counter when the financial function is activated (ISS-4).
TOLD_TO_THE_BANK: tuple[type[HrFunctionChanged], ...] = (
    TemporaryLossReported,
    TemporaryLossLifted,
    FormalLossReported,
    CardUnlocked,
    ReplacementApplied,
    ExchangeApplied,
    CardCancelled,
    CardVoided,  # issue 11: the card it opened an account for will never be issued
    CardCityChanged,
    SocialDataReset,
)


def from_cards_bank(actor: Actor, card: CardRef) -> bool:
    """The change came from the card's own bank system, which knows it already: no echo back."""
    return actor.role is Role.BANK_SYSTEM and actor.bank_code == card.bank_code


async def on_card_produced(ctx: Ctx, events: Sequence[CardProduced]) -> Tally:
    """SPEC ISS-1/2: production data to the card's bank, which opens the account on it."""
    rows = [messages.account_requested(e.card, e.application_reference, ctx.now) for e in events]
    await outbox.enqueue_many(ctx.conn, rows)
    return None


async def on_hr_function_changed(ctx: Ctx, events: Sequence[HrFunctionChanged]) -> Tally:
    """SPEC LOSS-1..3, CAN-3: the card's bank learns of every hr change it did not make."""
    rows = [
        messages.card_status_changed(e.card, e.transition, e.to_state, ctx.now)
        for e in events
        if not from_cards_bank(ctx.actor, e.card)
    ]
    await outbox.enqueue_many(ctx.conn, rows)
    return None


async def on_card_superseded(ctx: Ctx, events: Sequence[CardSuperseded]) -> Tally:
    """SPEC REP-3: the old card's bank decides what becomes of its account."""
    rows = [messages.card_superseded(e.card, e.new_card, ctx.now) for e in events]
    await outbox.enqueue_many(ctx.conn, rows)
    return None


async def on_closure_notice_issued(ctx: Ctx, events: Sequence[ClosureNoticeIssued]) -> Tally:
    """SPEC CAN-3: the bank closes the account on the closure notice."""
    rows = [
        messages.closure_requested(e.card, e.notice_reference, e.reason, e.issued_at, ctx.now)
        for e in events
    ]
    await outbox.enqueue_many(ctx.conn, rows)
    return None
