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
