"""Older-generation cards as declared at an upgrade (SPEC GEN-3). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class BankClosure(StrEnum):
    """What the holder has done with an older card's account at its bank."""

    NONE = "none"
    FORMALLY_LOST = "formally_lost"
    CLOSED = "closed"


@dataclass(frozen=True)
class OldCard:
    """A gen-1/gen-2 card as declared at the counter."""

    generation: int
    number: str
    issuer_city_code: str | None  # None: issued outside Jiangsu
    bank_code: str | None  # None: no bank function (some city citizen cards)
    bank_closure: BankClosure
    presented: bool
