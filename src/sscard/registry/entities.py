"""What the registry hands to other contexts, typed and immutable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class GuessableFacts:
    """What anyone close to a person may know of them: birth date, phone, social security
    number, in clear (None where unknown). Only for checks that must refuse a guessable secret
    (the hr password, SPEC PWD-2); never stored, logged or answered (ID-6)."""

    birth_date: date | None
    phone: str | None
    ssn: str | None  # the citizen ID number for mainland holders
