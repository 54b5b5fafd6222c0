"""What other contexts plug into notifications: the contact book the phones are read from.

The registry owns persons and their (encrypted) phones; it registers how to read them, and
delivery reads them only at the moment of sending (SPEC ID-6). Templates are registered in
templates.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Set

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.crypto import Vault

# (conn, vault, person ids) -> each person's phone in clear; persons without a phone left out.
ContactBook = Callable[[AsyncConnection, Vault, Set[int]], Awaitable[dict[int, str]]]

_book: list[ContactBook] = []


def set_contact_book(book: ContactBook) -> None:
    """Register where phones are read (the registry's persons), replacing any earlier one."""
    _book[:] = [book]


def contact_book() -> ContactBook:
    """The registered contact book; delivering without one is a wiring error."""
    if not _book:
        raise RuntimeError("no contact book registered: call sscard.wiring.wire()")
    return _book[0]
