"""What other contexts plug into the delivery engine; the composition root registers each one.

- `enrichers`: add data to a batch at the moment of delivery, for data the outbox must not store
  (the holder of a card to open an account for, SPEC ID-6); each enricher picks its own topics.
- `recipients`: the kinds of recipient an administrator may configure an endpoint for (a bank's
  code, the medical-insurance agency, a city's centre), each with a check that one exists.
- `card_key`: the ordering key of the messages about a card, found from its number, so the outbox
  can be listed by card.
- `card_fields`: for a topic whose payload names its card other than by `card_number`, the field
  that does (the wire's `card_number` and the outbox listing read it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.crypto import Vault
from sscard.platform.outbox.protocol import Outgoing, card_number_of

Enricher = Callable[[AsyncConnection, Vault, Sequence[Outgoing]], Awaitable[list[Outgoing]]]
CardKey = Callable[[AsyncConnection, str], Awaitable[str | None]]


@dataclass(frozen=True)
class RecipientKind:
    """One kind of recipient: how it is named, and whether a given name is one of them."""

    label_zh: str
    label_en: str
    exists: Callable[[AsyncConnection, str], Awaitable[bool]]


@dataclass
class OutboxHooks:
    enrichers: list[Enricher] = field(default_factory=list)
    recipients: list[RecipientKind] = field(default_factory=list)
    card_key: CardKey | None = None
    card_fields: dict[str, str] = field(default_factory=dict)

    def clear(self) -> None:
        self.enrichers.clear()
        self.recipients.clear()
        self.card_key = None
        self.card_fields.clear()

    def card_number(self, topic: str, payload: Mapping[str, Any]) -> str | None:
        """The card a message of this topic is about (protocol.card_number_of)."""
        return card_number_of(payload, self.card_fields.get(topic, "card_number"))


HOOKS = OutboxHooks()


async def enrich(conn: AsyncConnection, vault: Vault, batch: Sequence[Outgoing]) -> list[Outgoing]:
    """The batch as every registered enricher leaves it, in registration order."""
    out = list(batch)
    for enricher in HOOKS.enrichers:
        out = await enricher(conn, vault, out)
    return out
