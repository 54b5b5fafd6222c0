"""The card's domain events: every change of a card, published in the transaction that makes it.

Subscribers in other contexts turn them into their own effects (banks: a message to the card's
bank). Events carry the card's reference, never personal data.
"""

from __future__ import annotations


def card_key(card_id: int) -> str:
    """The ordering key of every outbox message about one card: they are delivered in order."""
    return f"card:{card_id}"
