"""The delta's common data standard, pure (SPEC YRD-1..3): whose card it is, and what of a
node's answer is believed."""

from __future__ import annotations

from typing import Any

import pytest

from sscard.delta.rules import NotTheStandard, is_jiangsu, province_of, read_answer

QUESTION: dict[str, Any] = {"request_id": "q-00000001", "use": "identity",
                            "card_number": "A12345678"}  # fmt: skip
GOOD: dict[str, Any] = {
    "standard": "yrd-card-status/1",
    "request_id": "q-00000001",
    "use": "identity",
    "province_code": "31",
    "known": True,
    "allowed": False,
    "code": "card_lost",
    "reason_zh": "卡片已临时挂失",
    "reason_en": "temporarily reported lost",
    "rule": "LOSS-5",
    "card_number_masked": "A12****78",
    "holder_name_masked": "王*",
}


def test_whose_card_it_is() -> None:
    """YRD-1: no region read or a 32xxxx one is Jiangsu's; the first two digits name the rest."""
    assert is_jiangsu(None)
    assert is_jiangsu("320400")
    assert not is_jiangsu("310100")
    assert province_of("340100") == "34"


def test_a_refusal_is_read_with_its_reasons() -> None:
    said = read_answer("31", GOOD, QUESTION)
    assert (said.allowed, said.code, said.rule, said.reason_zh) == (
        False, "card_lost", "LOSS-5", "卡片已临时挂失",
    )  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        {"standard": "yrd-card-status/2"},
        {"province_code": "33"},  # another province answering for Shanghai's card
        {"allowed": "yes"},
        {"known": False, "allowed": True},  # allowed, yet unknown
        {"code": "<b>x</b>"},
        {"reason_zh": None},  # a refusal without its reason
        {"reason_en": "x" * 201},
        {"reason_zh": "<script>alert(1)</script>"},
        {"holder_name_masked": "王 五 六<"},
        {"card_number_masked": 12},
        {"request_id": "q-00000002"},  # another question's answer, replayed
        {"use": "library"},
        {"card_number_masked": "Z99****99"},  # not the card asked about
        {"card_number_masked": "320499199001011234"},  # an identity number, not masked
        {"holder_name_masked": "王小明"},  # a full name
        {"reason_zh": "\u202e\u0007请到柜台"},  # bidi override and a bell
        {"reason_en": "x\u0000y"},
        {"rule": "LOSS-5" * 10},
    ],
)
def test_an_answer_not_in_the_standard_is_not_believed(change: dict[str, Any]) -> None:
    """YRD-3: a scene is never told "allowed" nor shown text from an answer out of shape."""
    with pytest.raises(NotTheStandard):
        read_answer("31", GOOD | change, QUESTION)


def test_an_allowance_reads_ok_whatever_code_it_carries() -> None:
    said = read_answer("31", GOOD | {"allowed": True, "code": "fine", "reason_zh": None,
                                     "reason_en": None, "rule": None}, QUESTION)  # fmt: skip
    assert (said.allowed, said.code) == (True, "ok")
