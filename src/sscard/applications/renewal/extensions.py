"""What other contexts check before a card is exchanged (SPEC REP-4): a card whose transport
purse still holds money is not exchanged until the balance is refunded at the transport
operator's own outlet. The transport context registers its check; sscard.wiring does it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sscard.cards.entities import Card
from sscard.kernel.ctx import Ctx

# Each raises a DomainError naming why the card cannot be exchanged now and where to go.
ExchangeCheck = Callable[[Ctx, Card], Awaitable[None]]
EXCHANGE_CHECKS: list[ExchangeCheck] = []


def register(*checks: ExchangeCheck) -> None:
    EXCHANGE_CHECKS.extend(checks)


def clear() -> None:
    EXCHANGE_CHECKS.clear()
