"""Issue 11: every header of the bank link is parsed strictly, on both sides: a timestamp that
str.isdigit() takes but int() does not (², ٣), or one of 5,000 digits, is a refusal, never a
crash."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bank_simulator import signing as bank_side
from sscard.platform.outbox import signing as our_side

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SECRET = b"k" * 32
BODY = b'{"x":1}'
STAMPS = ["²", "٣٣٣", "１７９６", "1" * 5000, "-5", "1e9", " 12", "", "nan"]


@pytest.mark.parametrize("stamp", STAMPS)
def test_sscard_refuses_a_timestamp_that_is_not_ascii_seconds(stamp: str) -> None:
    headers = {**our_side.signed_headers(SECRET, NOW, BODY), "X-Sscard-Timestamp": stamp}
    with pytest.raises(our_side.SignatureRefused):
        our_side.verify(SECRET, headers, BODY, NOW)


@pytest.mark.parametrize("stamp", STAMPS)
def test_the_bank_refuses_it_too(stamp: str) -> None:
    headers = {**bank_side.signed_headers(SECRET, NOW, BODY), "X-Sscard-Timestamp": stamp}
    with pytest.raises(bank_side.SignatureRefused):
        bank_side.verify(SECRET, headers, BODY, NOW)
