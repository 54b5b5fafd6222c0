"""The one shape of a listed page, for routes and commands alike (keyset paging)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any


async def page(listing: Awaitable[tuple[list[Any], Any]]) -> dict[str, Any]:
    """A listing use case's (items, cursor) as every list answers: {"items", "next_after"},
    next_after being the cursor to pass for the next page, None at the end."""
    items, cursor = await listing
    return {"items": items, "next_after": cursor}
