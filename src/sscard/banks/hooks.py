"""What the banks plug into the delivery engine: a bank's code as an outbox recipient, the
ordering key of a card's messages found from its number (to list the outbox by card), and the
payload field that names the card where it is not `card_number`."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.banks.protocol import Topic
from sscard.cards import repository as cards
from sscard.cards.events import card_key
from sscard.platform.outbox.extensions import RecipientKind
from sscard.registry.reference import repository as reference


async def _is_bank(conn: AsyncConnection, recipient: str) -> bool:
    return bool(await reference.existing_bank_codes(conn, [recipient]))


RECIPIENT = RecipientKind("已知的银行代码", "a known bank code", _is_bank)


async def card_key_of(conn: AsyncConnection, card_number: str) -> str | None:
    """The outbox ordering key of the card with this number, or None if there is no such card."""
    card_id = await cards.id_of(conn, card_number)
    return card_key(card_id) if card_id is not None else None


# A supersession is about the old card, whose bank is told (REP-3).
CARD_FIELDS = {Topic.CARD_SUPERSEDED.value: "old_card_number"}
