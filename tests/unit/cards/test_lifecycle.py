"""Card data at production (SPEC ISS-1, ISS-4, ISS-7, ID-3, §17)."""

from __future__ import annotations

from datetime import date

import pytest

from sscard.cards.lifecycle import (
    CardEvent,
    CardTransitionRefused,
    HrStatus,
    card_number,
    expiry_date,
    identification_code,
    is_live,
    transition,
)
from sscard.kernel.actor import Channel


def test_card_number_is_a_letter_and_eight_digits() -> None:
    assert card_number(1) == "A00000001"
    assert card_number(100_000_000) == "B00000000"
    assert len({card_number(n) for n in range(0, 300_000_000, 99_991)}) == len(
        range(0, 300_000_000, 99_991)
    )


def test_card_number_space_has_an_end() -> None:
    with pytest.raises(OverflowError):
        card_number(24 * 100_000_000)


def test_identification_code_is_32_characters_of_the_area() -> None:
    code = identification_code("320400", "0123456789abcdef")
    assert code == "320400D1560000050123456789ABCDEF"
    assert len(code) == 32


@pytest.mark.parametrize(
    ("issue", "expiry"),
    [(date(2026, 11, 23), date(2036, 11, 23)), (date(2028, 2, 29), date(2038, 2, 28))],
)
def test_ten_year_validity(issue: date, expiry: date) -> None:
    """SPEC ISS-7."""
    assert expiry_date(issue) == expiry


def test_collection_activates_hr_function() -> None:
    """SPEC ISS-4."""
    at_counter = Channel.HR_OUTLET
    assert transition(HrStatus.PRODUCED, CardEvent.COLLECT, at_counter).to is HrStatus.ACTIVE
    with pytest.raises(CardTransitionRefused):
        transition(HrStatus.ACTIVE, CardEvent.COLLECT, at_counter)


def test_produced_and_active_cards_are_live() -> None:
    """SPEC ID-3: a card counts until cancelled or superseded."""
    assert is_live(HrStatus.PRODUCED)
    assert is_live(HrStatus.ACTIVE)
