"""The card-management city: a transfer inside Jiangsu keeps the card (SPEC JUR-1..3)."""

from __future__ import annotations

from typing import Any

from sscard.cards import lifecycle
from sscard.cards.entities import Card
from sscard.cards.events import card_key
from sscard.cards.jurisdiction.hooks import centre_of
from sscard.cards.jurisdiction.permissions import CHANGE_CARD_CITY, RESET_SOCIAL_DATA
from sscard.cards.lifecycle import CardEvent
from sscard.cards.service import card_state_view, load, transition
from sscard.kernel.actor import Operation, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, NotFound, invalid
from sscard.platform.outbox import service as outbox
from sscard.registry.documents import IdentityDocument, is_certificate_number
from sscard.registry.reference import repository as reference
from sscard.registry.reference.service import actor_outlet
from sscard.registry.service import require_holders_document

JIANGSU = "32"
CARD_TRANSFERRED_IN = "centre.card_transferred_in"  # to the new city's card centre


class OutOfProvince(DomainError):
    code = "transfer_out_of_province"
    status = 409
    rule = "JUR-2"
    message_zh = "转往省外须办理注销（转出省外），由转入地按其规定发卡"
    message_en = "A transfer out of Jiangsu ends in cancellation; the new province issues its card"


class NotTheCardsCity(DomainError):
    code = "not_the_cards_city"
    status = 409
    rule = "JUR-1"
    message_zh = "该卡现由{city_code}管理，此步须在{step_zh}即{city_code}的社保卡服务网点办理"
    message_en = (
        "The card is now managed by {city_code}; this step is done at an HR outlet of "
        "{step_en}, {city_code}"
    )


class NoResetPending(DomainError):
    code = "no_social_data_reset_pending"
    status = 409
    rule = "JUR-1"
    message_zh = "该卡没有待重置的社保数据（须先在转出地变更管理城市）"
    message_en = "Nothing to reset: the management city was not changed at the outgoing city"


async def change_city(
    ctx: Ctx, card_number: str, to_city: str, certificate: str, document: IdentityDocument
) -> dict[str, Any]:
    """JUR-1 step 1, at the outgoing city with the card, the transfer certificate and the ID."""
    authorize(ctx.actor, CHANGE_CARD_CITY)
    if not to_city.startswith(JIANGSU):
        raise OutOfProvince(field="to_city_code")
    if await reference.get_city(ctx.conn, to_city) is None:
        raise NotFound(field="to_city_code", what_zh="城市", what_en="City")
    if not is_certificate_number(certificate):
        raise invalid(
            "transfer_certificate_number",
            "须填写社会保险关系转移凭证编号",
            "the social-insurance transfer certificate number is required",
        )
    card = await _at_the_cards_city(
        ctx, card_number, CHANGE_CARD_CITY, "转出地", "the outgoing city"
    )
    if to_city == card.city_code:
        raise invalid(
            "to_city_code",
            "转入城市与现管理城市相同",
            "the new city is the card's city already",
        )
    await require_holders_document(ctx, card.person_id, document, field="document", rule="JUR-1")
    from_city = card.city_code
    reason = f"{from_city}→{to_city}"
    card = await transition(
        ctx, card, CardEvent.CHANGE_CITY, reason, city_code=to_city, social_data_reset_pending=True
    )
    # The new city's card centre takes the card over (its own party, not the bank's).
    await outbox.enqueue(
        ctx.conn,
        topic=CARD_TRANSFERRED_IN,
        recipient=centre_of(to_city),
        ordering_key=card_key(card.id),
        payload={"card_number": card.card_number, "from_city_code": from_city},
        at=ctx.now,
    )
    return card_state_view(card)


async def reset_social_data(ctx: Ctx, card_number: str) -> dict[str, Any]:
    """JUR-1 step 2, at an outlet of the new city: the card's social data is reset there."""
    authorize(ctx.actor, RESET_SOCIAL_DATA)
    card = await _at_the_cards_city(ctx, card_number, RESET_SOCIAL_DATA, "转入地", "the new city")
    if not card.social_data_reset_pending:
        raise NoResetPending(field="card_number")
    card = await transition(
        ctx, card, CardEvent.RESET_SOCIAL_DATA, None, social_data_reset_pending=False
    )
    return card_state_view(card)


async def _at_the_cards_city(
    ctx: Ctx, card_number: str, operation: Operation, step_zh: str, step_en: str
) -> Card:
    """The card, if the clerk's outlet is in its management city (NotTheCardsCity otherwise):
    step 1 happens at the outgoing city, step 2 at the new one (JUR-1)."""
    card = await load(ctx, card_number)
    outlet = await actor_outlet(ctx, operation)
    if outlet.city_code != card.city_code:
        raise NotTheCardsCity(
            field="card_number", step_zh=step_zh, step_en=step_en, city_code=card.city_code
        )
    return card


async def city_change_preconditions(ctx: Ctx, card_number: str) -> None:
    """What refuses step 1 of JUR-1 at this counter whatever is brought: an outlet outside the
    card's management city, or a card whose state does not allow the change (the lifecycle
    table's own check). For a dry run before the form (issue 12)."""
    authorize(ctx.actor, CHANGE_CARD_CITY)
    card = await _at_the_cards_city(
        ctx, card_number, CHANGE_CARD_CITY, "转出地", "the outgoing city"
    )
    lifecycle.transition(card.hr_status, CardEvent.CHANGE_CITY, ctx.actor.channel)
