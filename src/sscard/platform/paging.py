"""The one shape of a listed page, for routes and commands alike (keyset paging)."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import orjson

from sscard.kernel.crypto import Vault
from sscard.kernel.errors import invalid

_SIGNATURE_CHARS = 32  # hex characters of the keyed SM3 digest kept on a composite cursor


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


def seal_cursor(vault: Vault, key: Sequence[str | int]) -> str:
    """A composite keyset cursor as an opaque, tamper-evident token: base64url of the JSON key,
    '.', and a keyed SM3 digest of it (issue 11)."""
    body = base64.urlsafe_b64encode(orjson.dumps(list(key))).decode().rstrip("=")
    return f"{body}.{_signature(vault, body)}"


def open_cursor(vault: Vault, cursor: str, size: int, field: str = "after") -> list[Any]:
    """The key inside a cursor seal_cursor made, as `size` values; InvalidInput on `field` for
    anything else — altered, truncated, made up or from another key — never a 500."""
    body, _, signature = cursor.partition(".")
    expected = _signature(vault, body)
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        raise _bad_cursor(field)
    try:
        key = orjson.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, orjson.JSONDecodeError, ValueError) as bad:
        raise _bad_cursor(field) from bad
    if not isinstance(key, list) or len(key) != size:
        raise _bad_cursor(field)
    return key


def _signature(vault: Vault, body: str) -> str:
    return vault.index(f"cursor\0{body}")[:_SIGNATURE_CHARS]


def _bad_cursor(field: str) -> Exception:
    return invalid(field, "须为上一页返回的游标", "must be the cursor a previous page returned")
