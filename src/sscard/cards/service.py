"""The card's own use cases: produce, activate on collection, read, ask whether it may be used;
and the transition engine every change of the hr function goes through.

`load` is the card as it stands now for a change (a temporary loss past its 7 days is recorded
as lifted first, SPEC LOSS-1); `look` is the same state read without writing. `transition`
checks the lifecycle table, changes the card by compare-and-set, writes the history row and
publishes the typed event, all in the caller's transaction (SPEC CH-2): other contexts react
through their subscribers (banks tell the card's bank), `cards` never calls them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sscard.cards import lifecycle as lc
from sscard.cards import repository as repo
from sscard.cards.entities import Card, CardRef
from sscard.cards.events import (
    CardProduced,
    CardSuperseded,
    HrFunctionChanged,
    hr_function_changed,
)
from sscard.cards.permissions import CHECK_CARD_USE, VIEW_CARD
from sscard.kernel.actor import Actor, Channel, Role, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import NotFound, visible_or_not_found
from sscard.kernel.events import publish
from sscard.platform import sequences
from sscard.platform.access import service as access
from sscard.platform.access.rules import Subject
from sscard.platform.history import Change, entries, record
from sscard.platform.permissions import VIEW_HISTORY
from sscard.registry.reference import repository as reference

CARD_NUMBER_SEQUENCE = "card_number"
# The service itself, recording a temporary loss that lifted after 7 days (LOSS-1).
SWEEPER = Actor(id=None, role=Role.PROVINCE_ADMIN, display_name="7-day lift", via=Channel.SWEEP)


# ---- issue ----


async def produce_card(
    ctx: Ctx,
    *,
    application_id: int,
    reference_number: str,
    person_id: int,
    city_code: str,
    bank_code: str,
) -> Card:
    """SPEC ISS-1: card number, identification code, issue date, 10-year expiry; published as
    CardProduced, on which the card's bank is asked to open the account (ISS-2)."""
    city = await reference.get_city(ctx.conn, city_code)
    assert city is not None  # the application's city is a foreign key
    seq = await sequences.next_value(ctx.conn, CARD_NUMBER_SEQUENCE)
    issue = ctx.today
    card = await repo.insert_card(
        ctx.conn,
        {
            "card_number": lc.card_number(seq),
            "identification_code": lc.identification_code(city.area_code),
            "person_id": person_id,
            "application_id": application_id,
            "city_code": city_code,
            "issuing_area_code": city.area_code,
            "bank_code": bank_code,
            "generation": lc.GENERATION,
            "spec_version": lc.SPEC_VERSION,
            "issue_date": issue,
            "expiry_date": lc.expiry_date(issue),
            "hr_status": lc.HrStatus.PRODUCED.value,
            "financial_status": lc.FinancialStatus.ACCOUNT_REQUESTED.value,
            "social_data_reset_pending": False,
            "version": 1,
            "created_at": ctx.now,
            "updated_at": ctx.now,
        },
    )
    change = Change("card", card.id, "produced", None, lc.HrStatus.PRODUCED)
    await record(ctx.conn, ctx.actor, ctx.now, change)
    await publish(ctx, CardProduced(card.ref, reference_number))
    return card


async def activate_hr_on_collection(ctx: Ctx, card_id: int) -> Card:
    """SPEC ISS-4: collection makes the hr function active by itself."""
    card = await repo.get(ctx.conn, card_id)
    assert card is not None
    return await transition(ctx, card, lc.CardEvent.COLLECT, None, history_event="hr_activated")


async def hand_over_in_place(ctx: Ctx, old_card_id: int, new: Card) -> None:
    """SPEC REP-3: the new card was handed over in place of the old one, dead since the
    application; published as CardSuperseded (the old card's bank decides on its account)."""
    old = await repo.get(ctx.conn, old_card_id)
    assert old is not None  # the application's replaced card
    await publish(ctx, CardSuperseded(old.ref, new.ref))


# ---- the transition engine ----


async def transition(
    ctx: Ctx,
    card: Card,
    event: lc.CardEvent,
    reason: str | None,
    *,
    history_event: str | None = None,
    **values: Any,
) -> Card:
    """Make one lifecycle transition of the hr function, as `ctx.actor` through its channel.

    The table check (CardTransitionRefused, ChannelNotAllowed), a compare-and-set update with
    `values` (Conflict if the card changed meanwhile), a history row and the transition's event.
    """
    step = lc.transition(card.hr_status, event, ctx.actor.channel)
    changed = await repo.change(ctx.conn, card, ctx.now, hr_status=step.to.value, **values)
    change = Change("card", card.id, history_event or event, card.hr_status, step.to, reason)
    await record(ctx.conn, ctx.actor, ctx.now, change)
    happened = hr_function_changed(event, card.ref, changed.ref, card.hr_status, step.to, reason)
    await publish(ctx, happened)
    return changed


# ---- reading ----


async def find(ctx: Ctx, card_number: str) -> Card:
    """The card with this number if the actor may see it; NotFound otherwise, so numbers
    cannot be probed (a holder sees their own cards, a bank its own, a city's centre its
    city's; a clerk or hotline agent only the cards of a person whose document was presented
    to them — platform.access; issue 11)."""
    card = await repo.get_by_number(ctx.conn, card_number.strip().upper())
    found = visible_or_not_found(
        card, lambda c: may_see(ctx.actor, c), field="card_number", what_zh="卡片", what_en="Card"
    )
    if not await access.presented(ctx, found.person_id):
        raise NotFound(field="card_number", what_zh="卡片", what_en="Card")
    return found


async def behind(ctx: Ctx, card_id: int) -> Card:
    """The card with this id as it reads now (a lapsed temporary loss shows as lifted), for a
    context that holds the id from the card's own events (the ecard behind which it stands):
    that context answers for who may ask. NotFound for an id that is no card."""
    card = await repo.get(ctx.conn, card_id)
    if card is None:
        raise NotFound(field="card_id", what_zh="卡片", what_en="Card")
    if lc.effective_hr_status(card.hr_status, card.loss_until, ctx.now) is not card.hr_status:
        card = card.with_changes(**repo.LIFTED)
    return card


async def card_in_hand(ctx: Ctx, card_number: str) -> Card:
    """The card itself held out at a counter or terminal for what is not the person's business
    (the anonymous transport purse, TRN-1, LOSS-6): found by its number as the actor may see
    it (NotFound otherwise), with no person's record opened; the caller shows nothing of the
    holder."""
    card = await repo.get_by_number(ctx.conn, card_number.strip().upper())
    return visible_or_not_found(
        card, lambda c: may_see(ctx.actor, c), field="card_number", what_zh="卡片", what_en="Card"
    )


async def newest_live_of(ctx: Ctx, person_id: int) -> Card | None:
    """The person's newest card not cancelled nor superseded, or None; for a context that
    holds the person from its own records (the medical account): it answers for who asks."""
    return await repo.newest_live_of(ctx.conn, person_id)


def use_answer(ctx: Ctx, card: Card, use: lc.CardUse) -> lc.UseAnswer:
    """SPEC LOSS-5, ISS-7: may `card` (as `behind` reads it) be used for `use` now."""
    state = lc.effective_hr_status(card.hr_status, card.loss_until, ctx.now)
    return lc.may_use(state, use, lc.financial_expired(card.expiry_date, ctx.today))


def may_see(actor: Actor, card: Card) -> bool:
    """Who may act on which card: the holder their own, a bank system its own, a city's centre
    its city's (issue 11), other staff any (全省通办: the holder is at the counter or on the
    line). Reading a card's full record asks more: read_card."""
    if actor.role is Role.CARDHOLDER:
        return actor.person_id == card.person_id
    if actor.role is Role.BANK_SYSTEM:
        return actor.bank_code == card.bank_code
    if actor.role is Role.CENTRE_ADMIN:
        return actor.city_code == card.city_code
    return True


async def load(ctx: Ctx, card_number: str) -> Card:
    """The card as it stands now, to change it: a lapsed temporary loss is lifted first."""
    card = await find(ctx, card_number)
    if lc.effective_hr_status(card.hr_status, card.loss_until, ctx.now) is not card.hr_status:
        card = await lift_lapsed_loss(ctx, card)
    return card


async def look(ctx: Ctx, card_number: str) -> Card:
    """The card as it reads now, without writing: a lapsed temporary loss shows as lifted."""
    authorize(ctx.actor, VIEW_CARD)
    card = await find(ctx, card_number)
    if lc.effective_hr_status(card.hr_status, card.loss_until, ctx.now) is not card.hr_status:
        card = card.with_changes(**repo.LIFTED)
    return card


async def lift_lapsed_loss(ctx: Ctx, card: Card) -> Card:
    """SPEC LOSS-1: record the 7-day lift as the service's own act, at the moment it happened."""
    as_sweeper = replace(ctx, actor=SWEEPER)
    lifted_at = card.loss_until
    assert lifted_at is not None  # a temporary loss always has its end
    changed = await repo.change(ctx.conn, card, ctx.now, **repo.LIFTED)
    await record(ctx.conn, SWEEPER, ctx.now, lift_change(card.id, lifted_at))
    await publish(as_sweeper, loss_lifted(card.ref, changed.ref))
    return changed


def loss_lifted(before: CardRef, after: CardRef) -> HrFunctionChanged:
    """The event of a 7-day lift (SPEC LOSS-1): temporarily lost to active, no reason."""
    tl, active = lc.HrStatus.TEMPORARILY_LOST, lc.HrStatus.ACTIVE
    return hr_function_changed(lc.CardEvent.LIFT_TEMPORARY_LOSS, before, after, tl, active, None)


def lift_change(card_id: int, lifted_at: datetime) -> Change:
    """The history row of a 7-day lift, dated when the loss ended."""
    lifted = lc.CardEvent.LIFT_TEMPORARY_LOSS
    tl, active = lc.HrStatus.TEMPORARILY_LOST, lc.HrStatus.ACTIVE
    return Change("card", card_id, lifted, tl, active, at=lifted_at)


async def may_use(ctx: Ctx, card_number: str, use: lc.CardUse) -> dict[str, Any]:
    """SPEC LOSS-5, ISS-7: the one answer scenes, the ecard and banks ask before any use."""
    authorize(ctx.actor, CHECK_CARD_USE)
    card = await find(ctx, card_number)
    state = lc.effective_hr_status(card.hr_status, card.loss_until, ctx.now)
    expired = lc.financial_expired(card.expiry_date, ctx.today)
    answer = lc.may_use(state, use, expired)
    return {"card_number": card.card_number, "use": use.value, **vars(answer)}


async def read_card(ctx: Ctx, card_number: str) -> Card:
    """The card as it reads now, for a caller outside sscard: allowed on the actor's ground
    (platform.access: the holder's document presented at this counter, the city, the bank)
    and logged; NotFound otherwise, as for a number that does not exist (issue 11)."""
    card = await look(ctx, card_number)
    await _reach(ctx, card, "card")
    return card


async def history_of(ctx: Ctx, card_number: str) -> list[dict[str, Any]]:
    """Every recorded change to the card, oldest first (SPEC CH-2), reached as read_card."""
    authorize(ctx.actor, VIEW_HISTORY)
    card = await find(ctx, card_number)
    await _reach(ctx, card, "card_history")
    return await entries(ctx.conn, "card", card.id)


async def _reach(ctx: Ctx, card: Card, kind: str) -> None:
    subject = Subject(kind, card.card_number, card.person_id, card.city_code, card.bank_code)
    await access.reach(ctx, subject, field="card_number", what_zh="卡片", what_en="Card")


def card_view(card: Card) -> dict[str, Any]:
    """The card as listed: its data, the account masked (SPEC ID-6)."""
    return {
        "card_number": card.card_number,
        "identification_code": card.identification_code,
        "city_code": card.city_code,
        "bank_code": card.bank_code,
        "generation": card.generation,
        "spec_version": card.spec_version,
        "issue_date": card.issue_date,
        "expiry_date": card.expiry_date,
        "hr_status": card.hr_status.value,
        "financial_status": card.financial_status.value,
        "account": card.account_masked,
    }


def card_state_view(card: Card, reminder: dict[str, str] | None = None) -> dict[str, Any]:
    """The card as answered after a change: its data, any loss in force, a reminder."""
    body = card_view(card)
    body["loss"] = (
        {
            "reported_at": card.loss_reported_at,
            "until": card.loss_until,
            "channel": card.loss_channel,
        }
        if card.loss_reported_at
        else None
    )
    body["reminder"] = reminder
    return body
