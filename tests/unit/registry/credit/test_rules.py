"""The HR credit record's rules: what a clerk's note may hold (SPEC REP-5, ID-6)."""

from __future__ import annotations

import pytest

from sscard.kernel.errors import InvalidInput
from sscard.registry.credit.rules import NOTE_MAX, NoteHoldsPersonalData, check_note


def test_credit_note_with_an_id_number_or_phone_is_refused() -> None:
    """SPEC REP-5, ID-6: a credit-record note names no ID number or phone; 422 on `note`."""
    with pytest.raises(NoteHoldsPersonalData) as e:
        check_note("本人证件320499199001151234多次补卡")
    assert e.value.field == "note"
    assert e.value.status == 422
    assert "320499199001151234" not in e.value.detail_zh
    with pytest.raises(NoteHoldsPersonalData):
        check_note("联系电话13900000000")
    with pytest.raises(InvalidInput):
        check_note("x" * (NOTE_MAX + 1))
    assert check_note("  一个月内第5次换卡，无正当理由  ") == "一个月内第5次换卡，无正当理由"
    assert check_note("   ") is None
