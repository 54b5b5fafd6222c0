"""Card use cases at issue: produce the card data, activate the hr function on collection."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sscard.banks import messages
from sscard.banks.protocol import Topic
from sscard.cards import lifecycle as lc
from sscard.cards import repository as repo
from sscard.cards.events import card_key
from sscard.kernel.actor import Actor, Role
from sscard.kernel.ctx import Ctx
from sscard.platform import sequences
from sscard.platform.history import Change, record
from sscard.platform.outbox import service as outbox
from sscard.registry.reference import repository as reference

CARD_NUMBER_SEQUENCE = "card_number"


async def produce_card(ctx: Ctx, application: dict[str, Any]) -> int:
    """SPEC ISS-1: card number, identification code, issue date, 10-year expiry; ask the bank."""
    city = await reference.get_city(ctx.conn, application["city_code"])
    assert city is not None  # the application's city is a foreign key
    seq = await sequences.next_value(ctx.conn, CARD_NUMBER_SEQUENCE)
    issue = ctx.today
    values = {
        "card_number": lc.card_number(seq),
        "identification_code": lc.identification_code(city["area_code"]),
        "person_id": application["person_id"],
        "application_id": application["id"],
        "city_code": application["city_code"],
        "issuing_area_code": city["area_code"],
        "bank_code": application["bank_code"],
        "generation": lc.GENERATION,
        "spec_version": lc.SPEC_VERSION,
        "issue_date": issue,
        "expiry_date": lc.expiry_date(issue),
        "hr_status": lc.HrStatus.PRODUCED.value,
        "financial_status": lc.FinancialStatus.ACCOUNT_REQUESTED.value,
        "version": 1,
        "created_at": ctx.now,
        "updated_at": ctx.now,
    }
    card_id = await repo.insert_card(ctx.conn, values)
    await record(
        ctx.conn,
        ctx.actor,
        ctx.now,
        Change("card", card_id, "produced", None, lc.HrStatus.PRODUCED),
    )
    # SPEC ISS-1/ISS-2: the bank opens the account on this.
    message = messages.account_requested(
        card_id=card_id,
        card_number=values["card_number"],
        bank_code=application["bank_code"],
        application_reference=application["reference"],
        city_code=application["city_code"],
        at=ctx.now,
    )
    await outbox.enqueue_many(ctx.conn, [message])
    return card_id


async def activate_hr_on_collection(ctx: Ctx, card_id: int) -> None:
    """SPEC ISS-4: collection makes the hr function active by itself."""
    card = await repo.get(ctx.conn, card_id)
    assert card is not None
    state = lc.HrStatus(card["hr_status"])
    to = lc.transition(state, lc.CardEvent.COLLECT, ctx.actor.channel).to
    await repo.change(ctx.conn, card, ctx.now, hr_status=to.value)
    await record(ctx.conn, ctx.actor, ctx.now, Change("card", card_id, "hr_activated", state, to))


async def apply_event(
    ctx: Ctx, card: dict[str, Any], event: lc.CardEvent, reason: str | None, **values: Any
) -> dict[str, Any]:
    """Make a lifecycle transition: table check, CAS update, history, and a note to the bank."""
    state = lc.HrStatus(card["hr_status"])
    step = lc.transition(state, event, ctx.actor.channel)
    card = await repo.change(ctx.conn, card, ctx.now, hr_status=step.to.value, **values)
    await record(
        ctx.conn, ctx.actor, ctx.now, Change("card", card["id"], event, state, step.to, reason)
    )
    if not from_cards_bank(ctx.actor, card):
        await outbox.enqueue_many(ctx.conn, [status_message(card, event, step.to, ctx.now)])
    return card


def from_cards_bank(actor: Actor, card: Mapping[str, Any]) -> bool:
    """The change came from the card's own bank system, which knows it already: no echo back."""
    return actor.role is Role.BANK_SYSTEM and actor.bank_code == card["bank_code"]


def status_message(
    card: Mapping[str, Any], event: lc.CardEvent, to: lc.HrStatus, at: datetime
) -> dict[str, Any]:
    """The outbox row telling the card's bank that the hr function changed (LOSS-1..3, CAN-3)."""
    return outbox.new_row(
        topic=Topic.CARD_STATUS_CHANGED.value,
        recipient=card["bank_code"],
        ordering_key=card_key(card["id"]),
        payload={"card_number": card["card_number"], "event": event.value, "hr_status": to.value},
        at=at,
    )


def card_view(card: dict[str, Any]) -> dict[str, Any]:
    return {
        "card_number": card["card_number"],
        "identification_code": card["identification_code"],
        "city_code": card["city_code"],
        "bank_code": card["bank_code"],
        "generation": card["generation"],
        "spec_version": card["spec_version"],
        "issue_date": card["issue_date"],
        "expiry_date": card["expiry_date"],
        "hr_status": card["hr_status"],
        "financial_status": card["financial_status"],
        "account": card["account_masked"],
    }
