"""Loss and unlock of a card (SPEC LOSS-1..5): report, unlock, the 7-day lift, may-use answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sscard.cards import lifecycle as lc
from sscard.cards import repository as repo
from sscard.cards.lifecycle import CardEvent, HrStatus
from sscard.cards.loss.hooks import ONLINE_LOSS_BANK_REMINDER
from sscard.cards.loss.permissions import (
    REPORT_FORMAL_LOSS,
    REPORT_TEMPORARY_LOSS,
    SWEEP_LOSSES,
    UNLOCK_CARD,
)
from sscard.cards.permissions import CHECK_CARD_USE, VIEW_CARD
from sscard.cards.service import apply_event, card_view, status_message
from sscard.kernel.actor import Actor, Channel, Role, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, NotFound
from sscard.platform import cache
from sscard.platform.history import Change, entries, record
from sscard.platform.notify import service as notifications
from sscard.platform.outbox import service as outbox
from sscard.platform.permissions import VIEW_HISTORY
from sscard.registry.reference import repository as reference
from sscard.registry.reference.service import policy_on

SWEEPER = Actor(id=None, role=Role.CENTRE_ADMIN, display_name="7-day lift", via=Channel.SWEEP)
ONLINE_FORMAL_LOSS_REMINDER = {
    "zh": "网上挂失仅挂失社会保障功能，金融功能请持身份证到发卡银行网点办理挂失",
    "en": "An online formal loss covers the social security function only; report the "
    "financial function at an outlet of the card's bank",
}


class NotThisBank(DomainError):
    code = "not_the_cards_bank"
    status = 403
    rule = "LOSS-2"
    message_zh = "须在本卡发卡银行（{bank_code}）的网点办理"
    message_en = "This must be done at an outlet of the card's bank ({bank_code})"


class UnlockByTakingChannel(DomainError):
    code = "unlock_by_taking_channel"
    status = 403
    rule = "LOSS-3"
    message_zh = "正式挂失须通过原挂失渠道解挂：{where_zh}"
    message_en = "A formal loss is unlocked through the channel that took it: {where_en}"


async def load(ctx: Ctx, card_number: str) -> dict[str, Any]:
    """The card as it stands now: a temporary loss past its 7 days is lifted first (LOSS-1)."""
    card = await _find(ctx, card_number)
    stored = HrStatus(card["hr_status"])
    if lc.effective_hr_status(stored, card["loss_until"], ctx.now) is not stored:
        card = await _lift(ctx, card)
    return card


async def look(ctx: Ctx, card_number: str) -> dict[str, Any]:
    """The card as it reads now, without writing: a lapsed temporary loss shows as lifted."""
    authorize(ctx.actor, VIEW_CARD)
    card = await _find(ctx, card_number)
    stored = HrStatus(card["hr_status"])
    if lc.effective_hr_status(stored, card["loss_until"], ctx.now) is not stored:
        card = {**card, **repo.LIFTED}
    return card


async def _find(ctx: Ctx, card_number: str) -> dict[str, Any]:
    card = await repo.get_by_number(ctx.conn, card_number.strip().upper())
    if card is None or not _may_see(ctx.actor, card):
        raise NotFound(field="card_number", what_zh="卡片", what_en="Card")
    return card


def _may_see(actor: Actor, card: dict[str, Any]) -> bool:
    if actor.role is Role.CARDHOLDER:
        return actor.person_id == card["person_id"]
    if actor.role is Role.BANK_SYSTEM:
        return actor.bank_code == card["bank_code"]
    return True


async def _lift(ctx: Ctx, card: dict[str, Any]) -> dict[str, Any]:
    """Record the 7-day lift as the service's own act, at the moment it happened; tell the bank."""
    lifted_at = card["loss_until"]
    card = await repo.change(ctx.conn, card, ctx.now, **repo.LIFTED)
    await record(ctx.conn, SWEEPER, ctx.now, _lift_change(card["id"], lifted_at))
    await outbox.enqueue_many(ctx.conn, [_lift_message(card, ctx.now)])
    return card


def _lift_change(card_id: int, lifted_at: datetime) -> Change:
    lifted = CardEvent.LIFT_TEMPORARY_LOSS
    return Change("card", card_id, lifted, HrStatus.TEMPORARILY_LOST, HrStatus.ACTIVE, at=lifted_at)


def _lift_message(card: dict[str, Any], at: datetime) -> dict[str, Any]:
    """SPEC LOSS-1: the bank, told of the temporary loss, is told of its lift too."""
    return status_message(card, CardEvent.LIFT_TEMPORARY_LOSS, HrStatus.ACTIVE, at)


async def report_temporary_loss(ctx: Ctx, card_number: str, reason: str | None) -> dict[str, Any]:
    """SPEC LOSS-1: hotline only, hr function only, 7 days; the bank is told at once."""
    authorize(ctx.actor, REPORT_TEMPORARY_LOSS)
    card = await load(ctx, card_number)
    return await apply_event(
        ctx,
        card,
        CardEvent.REPORT_TEMPORARY_LOSS,
        reason,
        loss_reported_at=ctx.now,
        loss_until=lc.temporary_loss_ends(ctx.now),
        loss_channel=ctx.actor.channel.value,
        loss_outlet_id=None,
    )


async def report_formal_loss(ctx: Ctx, card_number: str, reason: str | None) -> dict[str, Any]:
    """SPEC LOSS-2: at an outlet of the card's bank (hr + financial) or online (hr only)."""
    authorize(ctx.actor, REPORT_FORMAL_LOSS)
    return await apply_formal_loss(ctx, await load(ctx, card_number), reason)


async def apply_formal_loss(ctx: Ctx, card: dict[str, Any], reason: str | None) -> dict[str, Any]:
    """The formal loss itself, by the acting channel (a bank's report comes here too)."""
    at_bank = ctx.actor.channel is Channel.BANK_OUTLET
    if at_bank:
        await _require_cards_bank(ctx, card)
    financial: dict[str, Any] = {}
    if at_bank and card["financial_status"] != lc.FinancialStatus.LOST:
        financial = {
            "financial_status": lc.FinancialStatus.LOST.value,
            "financial_before_loss": card["financial_status"],
        }
    card = await apply_event(
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
        card["reminder"] = ONLINE_FORMAL_LOSS_REMINDER
        await notifications.enqueue(
            ctx.conn,
            person_id=card["person_id"],
            template=ONLINE_LOSS_BANK_REMINDER.code,
            params={},
            at=ctx.now,
        )
    return card


async def unlock(ctx: Ctx, card_number: str, reason: str | None) -> dict[str, Any]:
    """SPEC LOSS-3: temporary by hotline or the card's bank; formal by the channel that took it."""
    authorize(ctx.actor, UNLOCK_CARD)
    return await apply_unlock(ctx, await load(ctx, card_number), reason)


async def apply_unlock(ctx: Ctx, card: dict[str, Any], reason: str | None) -> dict[str, Any]:
    """The unlock itself, by the acting channel (a bank's report comes here too; LOSS-3/4)."""
    state = HrStatus(card["hr_status"])
    if state is HrStatus.FORMALLY_LOST:
        await _check_formal_unlock(ctx, card)
    elif ctx.actor.channel is Channel.BANK_OUTLET:
        await _require_cards_bank(ctx, card)
    financial: dict[str, Any] = {}
    if card["financial_before_loss"]:
        financial = {
            "financial_status": card["financial_before_loss"],
            "financial_before_loss": None,
        }
    return await apply_event(
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


async def _require_cards_bank(ctx: Ctx, card: dict[str, Any]) -> None:
    outlet_id = ctx.actor.outlet_id or 0
    # Same cache key as the application counter: outlets are reference data, read on every loss.
    outlet = await cache.cached(
        ("outlet", outlet_id), lambda: reference.get_outlet(ctx.conn, outlet_id)
    )
    if outlet is None or outlet["bank_code"] != card["bank_code"]:
        raise NotThisBank(field="card_number", bank_code=card["bank_code"])


async def _check_formal_unlock(ctx: Ctx, card: dict[str, Any]) -> None:
    """Online loss: online unlock. Bank loss: the same bank, or the very outlet (city policy)."""
    channel = ctx.actor.channel
    if card["loss_channel"] == Channel.ONLINE.value:
        if channel is not Channel.ONLINE:
            raise UnlockByTakingChannel(where_zh="网上", where_en="online")
        return
    if channel is not Channel.BANK_OUTLET:
        raise UnlockByTakingChannel(
            where_zh="发卡银行网点", where_en="an outlet of the card's bank"
        )
    await _require_cards_bank(ctx, card)
    policy = await policy_on(ctx, card["city_code"])
    if policy.formal_unlock_scope == "accepting_outlet" and (
        ctx.actor.outlet_id != card["loss_outlet_id"]
    ):
        raise UnlockByTakingChannel(
            where_zh="本市规定须回原挂失网点",
            where_en="in this city, the outlet that took the loss",
        )


async def may_use(ctx: Ctx, card_number: str, use: lc.CardUse) -> dict[str, Any]:
    """SPEC LOSS-5: the one answer scenes, the ecard and banks ask before any use."""
    authorize(ctx.actor, CHECK_CARD_USE)
    card = await _find(ctx, card_number)
    state = lc.effective_hr_status(HrStatus(card["hr_status"]), card["loss_until"], ctx.now)
    expired = lc.financial_expired(card["expiry_date"], ctx.today)
    answer = lc.may_use(state, use, expired)
    return {"card_number": card["card_number"], "use": use.value, **vars(answer)}


async def sweep(ctx: Ctx, batch: int = 5000) -> int:
    """Record every temporary loss whose 7 days are over as lifted, and tell the banks.

    Set-based, in batches: per batch one read, one update, one history insert, one outbox insert.
    """
    authorize(ctx.actor, SWEEP_LOSSES)
    total = 0
    while due := await repo.expired_temporary_losses(ctx.conn, ctx.now, batch):
        by_id = {r["id"]: r for r in due}
        lifted = await repo.lift_temporary_losses(ctx.conn, list(by_id), ctx.now)
        changes = [_lift_change(card_id, by_id[card_id]["loss_until"]) for card_id in lifted]
        await record(ctx.conn, SWEEPER, ctx.now, *changes)
        await outbox.enqueue_many(ctx.conn, [_lift_message(by_id[i], ctx.now) for i in lifted])
        total += len(lifted)
        if len(due) < batch:
            break
    return total


async def history_of(ctx: Ctx, card_number: str) -> list[dict[str, Any]]:
    """Every recorded change to the card, oldest first (SPEC CH-2)."""
    authorize(ctx.actor, VIEW_HISTORY)
    card = await _find(ctx, card_number)
    return await entries(ctx.conn, "card", card["id"])


def card_state_view(card: dict[str, Any]) -> dict[str, Any]:
    """The card as answered: its data, any loss in force, and a reminder for the caller."""
    body = card_view(card)
    body["loss"] = (
        {
            "reported_at": card["loss_reported_at"],
            "until": card["loss_until"],
            "channel": card["loss_channel"],
        }
        if card["loss_reported_at"]
        else None
    )
    body["reminder"] = card.get("reminder")
    return body
