"""What the card-management city plugs into the platform: each city's card centre as an outbox
recipient (`centre:<city code>`), told when a card is transferred in (SPEC JUR-1)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.platform.outbox.extensions import RecipientKind
from sscard.registry.reference import repository as reference

CENTRE_PREFIX = "centre:"


def centre_of(city_code: str) -> str:
    """The outbox recipient name of a city's card centre."""
    return CENTRE_PREFIX + city_code


async def _is_centre(conn: AsyncConnection, recipient: str) -> bool:
    if not recipient.startswith(CENTRE_PREFIX):
        return False
    return await reference.get_city(conn, recipient.removeprefix(CENTRE_PREFIX)) is not None


RECIPIENT = RecipientKind("centre:城市代码", "centre:<city code>", _is_centre)
