"""Loss and unlock of a card (SPEC LOSS-1..4): report, unlock, and the 7-day lift.

Each change goes through the card's transition engine (cards.service.transition), which checks
the lifecycle table, records the history and publishes the event the card's bank is told by.
"""

from __future__ import annotations

from typing import Any

from sscard.cards import lifecycle as lc
from sscard.cards import repository as repo
from sscard.cards.entities import Card
from sscard.cards.lifecycle import CardEvent, HrStatus
from sscard.cards.loss import rules
from sscard.cards.loss.hooks import ONLINE_LOSS_BANK_REMINDER
from sscard.cards.loss.permissions import (
    REPORT_FORMAL_LOSS,
    REPORT_TEMPORARY_LOSS,
    SWEEP_LOSSES,
    UNLOCK_CARD,
)
from sscard.cards.service import (
    SWEEPER,
    card_state_view,
    lift_change,
    load,
    loss_lifted,
    transition,
)
from sscard.kernel.actor import Channel, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.events import publish
from sscard.platform.history import record
from sscard.platform.notify import service as notifications
from sscard.registry.reference.service import outlet_by_id, policy_on


async def report_temporary_loss(ctx: Ctx, card_number: str, reason: str | None) -> dict[str, Any]:
    """SPEC LOSS-1: hotline only, hr function only, 7 days; the bank is told at once."""
    authorize(ctx.actor, REPORT_TEMPORARY_LOSS)
    card = await load(ctx, card_number)
    card = await transition(
        ctx,
        card,
        CardEvent.REPORT_TEMPORARY_LOSS,
        reason,
        loss_reported_at=ctx.now,
        loss_until=lc.temporary_loss_ends(ctx.now),
        loss_channel=ctx.actor.channel.value,
        loss_outlet_id=None,
    )
    return card_state_view(card)


async def report_formal_loss(ctx: Ctx, card_number: str, reason: str | None) -> dict[str, Any]:
    """SPEC LOSS-2: at an outlet of the card's bank (hr + financial) or online (hr only, with
    the reminder to report the financial function at the bank)."""
    authorize(ctx.actor, REPORT_FORMAL_LOSS)
    card = await apply_formal_loss(ctx, await load(ctx, card_number), reason)
    online = ctx.actor.channel is not Channel.BANK_OUTLET
    return card_state_view(card, rules.ONLINE_FORMAL_LOSS_REMINDER if online else None)


async def apply_formal_loss(ctx: Ctx, card: Card, reason: str | None) -> Card:
    """The formal loss itself, by the acting channel (a bank's report comes here too)."""
    at_bank = ctx.actor.channel is Channel.BANK_OUTLET
    if at_bank:
        await _require_cards_bank(ctx, card)
    financial: dict[str, Any] = {}
    if at_bank and card.financial_status is not lc.FinancialStatus.LOST:
        financial = {
            "financial_status": lc.FinancialStatus.LOST.value,
            "financial_before_loss": card.financial_status.value,
        }
    card = await transition(
        ctx,
        card,
        CardEvent.REPORT_FORMAL_LOSS,
        reason,
        loss_reported_at=ctx.now,
        loss_until=None,
        loss_channel=ctx.actor.channel.value,
        loss_outlet_id=ctx.actor.outlet_id,
        **financial,
    )
    if not at_bank:
        await notifications.enqueue(
            ctx.conn,
            person_id=card.person_id,
            template=ONLINE_LOSS_BANK_REMINDER.code,
            params={},
            at=ctx.now,
        )
    return card


async def unlock(ctx: Ctx, card_number: str, reason: str | None) -> dict[str, Any]:
    """SPEC LOSS-3: temporary by hotline or the card's bank; formal by the channel that took it."""
    authorize(ctx.actor, UNLOCK_CARD)
    return card_state_view(await apply_unlock(ctx, await load(ctx, card_number), reason))


async def apply_unlock(ctx: Ctx, card: Card, reason: str | None) -> Card:
    """The unlock itself, by the acting channel (a bank's report comes here too; LOSS-3/4)."""
    if card.hr_status is HrStatus.FORMALLY_LOST:
        await _check_formal_unlock(ctx, card)
    elif ctx.actor.channel is Channel.BANK_OUTLET:
        await _require_cards_bank(ctx, card)
    financial: dict[str, Any] = {}
    if card.financial_before_loss:
        financial = {
            "financial_status": card.financial_before_loss.value,
            "financial_before_loss": None,
        }
    return await transition(
        ctx,
        card,
        CardEvent.UNLOCK,
        reason,
        loss_reported_at=None,
        loss_until=None,
        loss_channel=None,
        loss_outlet_id=None,
        **financial,
    )


async def _require_cards_bank(ctx: Ctx, card: Card) -> None:
    outlet = await outlet_by_id(ctx, ctx.actor.outlet_id or 0)
    rules.require_cards_bank(outlet.bank_code if outlet else None, card.bank_code)


async def _check_formal_unlock(ctx: Ctx, card: Card) -> None:
    """Online loss: online unlock. Bank loss: the same bank, or the very outlet (city policy)."""
    if not rules.require_taking_channel(card.loss_channel, ctx.actor.channel):
        return
    await _require_cards_bank(ctx, card)
    policy = await policy_on(ctx, card.city_code)
    rules.require_unlock_scope(policy.formal_unlock_scope, ctx.actor.outlet_id, card.loss_outlet_id)


async def sweep(ctx: Ctx, batch: int = 5000) -> int:
    """Record every temporary loss whose 7 days are over as lifted (LOSS-1), and publish the
    lifts (the banks are told).

    Set-based, in batches: per batch one read, one update, one history insert, one publish.
    """
    authorize(ctx.actor, SWEEP_LOSSES)
    total = 0
    while due := await repo.expired_temporary_losses(ctx.conn, ctx.now, batch):
        by_id = {d.card.id: d for d in due}
        lifted = await repo.lift_temporary_losses(ctx.conn, list(by_id), ctx.now)
        changes = [lift_change(card_id, by_id[card_id].loss_until) for card_id in lifted]
        await record(ctx.conn, SWEEPER, ctx.now, *changes)
        refs = [by_id[card_id].card for card_id in lifted]
        await publish(ctx, *(loss_lifted(r, r) for r in refs))
        total += len(lifted)
        if len(due) < batch:
            break
    return total
