"""Generated identity numbers for tests: valid check digits, area codes no real county uses."""

from __future__ import annotations

import itertools
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
FAKE_AREA = "320499"  # Changzhou prefix, no such county
_counter = itertools.count(1)


def with_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def citizen_number(birth: date, *, area: str = FAKE_AREA, female: bool = False) -> str:
    """A fresh 18-digit number each call (the sequence digits count up)."""
    n = next(_counter)
    gender = 2 * ((n // 100) % 5) + (0 if female else 1)
    return with_check_digit(f"{area}{birth:%Y%m%d}{n % 100:02d}{gender}")


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")
