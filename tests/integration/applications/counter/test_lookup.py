"""The counter's lookup by social security number (SPEC ID-1, ID-6): typed as registration
takes it, answered masked."""

from __future__ import annotations

from datetime import date

from tests.support.api import Api
from tests.support.numbers import citizen_number

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


async def test_a_number_typed_full_width_or_spaced_finds_the_person(api: Api) -> None:
    number = citizen_number(date(1994, 7, 7))
    registered = await api.register(document={"type": "resident_id", "number": number})
    assert registered.status_code == 201, registered.text
    person_id = registered.json()["person_id"]
    for typed in (number.translate(FULL_WIDTH), f" {number[:6]} {number[6:]} ", number.lower()):
        r = await api.post("/api/v1/persons/lookup", "hotline", {"social_security_number": typed})
        assert r.status_code == 200, (typed, r.text)
        assert r.json()["person_id"] == person_id
        assert number not in r.text
