"""Masked forms of personal data for listings, logs and errors (SPEC ID-6)."""

from __future__ import annotations

import re
import unicodedata

SHORTEST_PARTLY_SHOWN = 8  # below this, 3 + 2 visible characters would reveal most of it


def mask_number(value: str, keep_head: int = 3, keep_tail: int = 2) -> str:
    """320***********12: keeps the first and last characters of an ID-like number."""
    if len(value) < SHORTEST_PARTLY_SHOWN or len(value) <= keep_head + keep_tail:
        return "*" * len(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def mask_ssn(ssn: str) -> str:
    """320499********1234: a social security number shows its area code and last four."""
    return mask_number(ssn, 6, 4)


def mask_name(name: str) -> str:
    """张*, 欧阳** , J*** S****: keeps the first character of a Chinese name or of each word."""
    name = name.strip()
    if not name:
        return ""
    if " " in name:  # initials of words, but a one-letter word after the first is hidden
        words = name.split()
        return " ".join(
            w[0] + "*" * (len(w) - 1) if i == 0 or len(w) > 1 else "*" for i, w in enumerate(words)
        )
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str) -> str:
    """138****0000."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_account(account: str) -> str:
    """6222 **** **** 1234 becomes 6222********1234: a bank account shows its BIN head and tail."""
    return mask_number(account.strip(), 4, 4)


# ---- personal numbers hidden in free text (SPEC ID-6) ----

_ID_LIKE = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|\d{15})(?!\d)")
_PHONE_LIKE = re.compile(r"(?<!\d)\d{11}(?!\d)")
# Whatever may be typed between the digits of one number to hide it: spaces, hyphens, dots,
# slashes, underscores, commas, colons, bars (full-width forms are folded by NFKC first).
_DIGIT_SEPARATOR = re.compile(r"(?<=\d)[\s\-./_,:;|\\·、。，]+(?=\d)")


def personal_number_kind(text: str) -> str | None:
    """'id_number' or 'phone' if the text holds an ID-like or phone-like number, else None.

    Full-width digits and digits split by spaces, hyphens or punctuation (139-0000-0000,
    320407.19560908.5141) count too.
    """
    plain = unicodedata.normalize("NFKC", text)
    for candidate in (plain, _DIGIT_SEPARATOR.sub("", plain)):
        if _ID_LIKE.search(candidate):
            return "id_number"
        if _PHONE_LIKE.search(candidate):
            return "phone"
    return None
