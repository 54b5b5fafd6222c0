"""What text a person or a system may send us (issue 11): one rule for typed numbers and one
for characters that must never reach the database, a card face or a bank.

Pure; no I/O. The HTTP layer applies `unsafe_characters` to every string of every request body;
the registry adds the stricter rule for names printed on the card.
"""

from __future__ import annotations

import unicodedata
from typing import Final

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space, as typed with a Chinese IME.
_HALF_WIDTH: Final = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# Unicode general categories no field may hold: controls (NUL, BEL...), format characters
# (zero-width space, bidirectional overrides, BOM, soft hyphen), unassigned code points, private
# use and surrogates, line and paragraph separators.
REFUSED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"})


def normalise_number(raw: str) -> str:
    """A typed number as stored: full-width to ASCII, no whitespace, upper case.

    The one normalisation of every document number, phone and code a person types (issue 11):
    `３２０４ ０１…x` becomes `320401…X`. Other scripts' digits (Arabic-Indic ٣, Devanagari) are
    left as they are, so the ASCII-only format checks after it refuse them.
    """
    half_width = raw.translate(_HALF_WIDTH)
    return "".join(half_width.split()).upper()


def is_ascii_digits(value: str) -> bool:
    """Only 0-9 (str.isdigit() also takes ², ٣ and ３, which int() or a bank cannot use)."""
    return value.isascii() and value.isdigit()


FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A value for a CSV cell a person opens in Excel: text that a spreadsheet would run as a
    formula (starting = + - @, a tab or return) gets a leading apostrophe; others as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def ascii_int(value: str, max_digits: int) -> int | None:
    """The whole number `value` spells in 0-9 with at most `max_digits` digits, else None: the
    length is checked before int() (which refuses, slowly, thousands of digits)."""
    if not (0 < len(value) <= max_digits and is_ascii_digits(value)):
        return None
    return int(value)


# Unicode's Default_Ignorable_Code_Point ranges outside the refused categories: shown as nothing
# (Hangul fillers, the combining grapheme joiner, variation selectors), they hide in a name.
DEFAULT_IGNORABLE: Final = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)  # fmt: skip


def is_invisible(ch: str) -> bool:
    """A character no field may hold: a refused category or a default-ignorable code point."""
    code = ord(ch)
    if unicodedata.category(ch) in REFUSED_CATEGORIES:
        return True
    return any(low <= code <= high for low, high in DEFAULT_IGNORABLE)


def unsafe_characters(value: str) -> list[str]:
    """The characters of `value` no field may hold, as U+XXXX (category); [] when clean."""
    return [
        f"U+{ord(ch):04X} ({unicodedata.category(ch)})"
        for ch in dict.fromkeys(value)
        if is_invisible(ch)
    ]
