"""The one shape of a listed page, for routes and commands alike (keyset paging)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any


async def page(listing: Awaitable[tuple[list[Any], Any]]) -> dict[str, Any]:
    """A listing use case's (items, cursor) as every list answers: {"items", "next_after"},
    next_after being the cursor to pass for the next page, None at the end."""
    items, cursor = await listing
    return {"items": items, "next_after": cursor}


def next_cursor(
    rows: Sequence[Mapping[str, Any]],
    limit: int,
    key: Callable[[Mapping[str, Any]], Any] = lambda row: row["id"],
) -> Any:
    """The cursor of the page after `rows`: the last row's key (its id unless said) when the page
    is full, None when this was the last page."""
    return key(rows[-1]) if len(rows) == limit else None
