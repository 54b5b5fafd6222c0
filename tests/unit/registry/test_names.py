"""The name printed on the card (registry/names.py; issue 11, SPEC ID-1)."""

from __future__ import annotations

import pytest

from sscard.kernel.text import is_ascii_digits, normalise_number, unsafe_characters
from sscard.registry.names import NameRefused, normalise_name


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("  张三 ", "张三"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("Zoe\u0308", "Zoë"),  # NFC
        ("Anna  Maria\u3000Li", "Anna Maria Li"),
    ],
)
def test_a_typed_name_is_stored_in_one_form(raw: str, name: str) -> None:
    assert normalise_name(raw) == name


@pytest.mark.parametrize(
    "raw", ["", "   ", "\u200b", "张\u202e三", "张3", "李@四", "·王五", "x" * 65, "\U0010ffff"]
)
def test_what_cannot_be_printed_is_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(NameRefused) as refused:
        normalise_name(raw)
    assert refused.value.reason_zh
    assert refused.value.reason_en


def test_one_normalisation_for_every_typed_number() -> None:
    assert normalise_number("３２０４ ０１x") == "320401X"
    assert normalise_number("1٣٩") == "1٣٩"  # left for the ASCII check to refuse


@pytest.mark.parametrize(("value", "ascii"), [("123", True), ("²", False), ("٣", False)])
def test_ascii_digits(value: str, ascii: bool) -> None:
    assert is_ascii_digits(value) is ascii


def test_unsafe_characters_are_named() -> None:
    assert unsafe_characters("a\u200bb\u0000") == ["U+200B (Cf)", "U+0000 (Cc)"]
    assert unsafe_characters("张三·Li") == []


@pytest.mark.parametrize(
    "raw",
    ["\u3164张三", "张\u115f三", "张\u034f三", "张三\ufe0f", "王\u180b明", "王····", "王·-'.明",
     "e\u0301\u0301\u0301\u0301", "Anne--Marie"],
    ids=["hangul-filler", "choseong-filler", "CGJ", "VS16", "FVS", "dots", "separators",
         "marks", "double-hyphen"],
)  # fmt: skip
def test_invisible_and_misplaced_characters_found_by_attack(raw: str) -> None:
    """Issue 11: each was stored as a name."""
    with pytest.raises(NameRefused):
        normalise_name(raw)


def test_full_width_latin_is_printed_as_ascii() -> None:
    assert normalise_name("ＪＯＨＮ Ｓｍｉｔｈ") == "JOHN Smith"
    assert normalise_name("Jean-Luc O'Brien Jr.") == "Jean-Luc O'Brien Jr."
    assert normalise_name("St. John") == "St. John"


def test_a_one_letter_word_is_not_shown_by_the_mask() -> None:
    from sscard.kernel.masking import mask_name

    assert mask_name("王 明") == "王 *"
    assert mask_name("John Smith") == "J*** S****"
