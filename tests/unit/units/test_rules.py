"""A member's row judged on its own, as pure rules (issue 13; SPEC APP-3, APP-5, ID-1..4)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from sscard.registry.reference.policy import CityPolicy
from sscard.units import rules
from sscard.units.rules import CellProblem, Member, PersonFacts, RowRefusal, Verdict
from tests.support.numbers import citizen_number, wrong_check_digit

TODAY = date(2026, 11, 23)
NUMBER = citizen_number(date(1990, 1, 15))


def policy() -> CityPolicy:
    rules_: dict[str, object] = {
        "fees_fen": {},
        "photo_background": "white",
        "agent_policy": "anyone",
        "minor_agent": "guardian",
        "bank_change_allowed": False,
        "damage_exchange_at": ["hr"],
        "formal_unlock_scope": "same_bank_any_outlet",
        "abroad_cancellation_by": ["agent"],
        "upgrade_requires_old_card": True,
        "fast_making_working_days": 5,
        "unit_batch_days": 30,
        "online_working_days": 15,
        "transport_balance_cap_fen": 100000,
        "password_max_attempts": 5,
    }
    return CityPolicy.from_rules("3204", date(2020, 1, 1), rules_)


def row(**cells: object) -> rules.MemberRow:
    values: dict[str, object] = {
        "name": "张三",
        "document_type": "居民身份证",
        "document_number": NUMBER,
    }
    values.update(cells)
    return rules.member_row(5, values)


def facts(**over: Any) -> PersonFacts:
    base: dict[str, Any] = {
        "person_id": 1,
        "name": "张三",
        "gender": "M",
        "birth_date": date(1990, 1, 15),
        "full_capacity": True,
        "has_photo": True,
        "live_card_number": None,
        "open_reference": None,
    }
    base.update(over)
    return PersonFacts(**base)


def read(**cells: object) -> Member:
    member = rules.read_member(row(**cells), TODAY)
    assert isinstance(member, Member), member
    return member


def refusal(found: object) -> RowRefusal:
    assert isinstance(found, RowRefusal), found
    return found


def test_a_good_row_reads_as_a_member() -> None:
    """SPEC ID-2: the number checked and normalised (full-width digits, a lower-case x)."""
    wide = NUMBER.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    member = read(document_number=wide.lower(), gender="男", photo_to_follow="否")
    assert (member.number, member.gender, member.photo_to_follow) == (NUMBER, "M", False)
    assert member.row_number == 5


@pytest.mark.parametrize(
    ("cells", "code", "field"),
    [
        (
            {"document_number": wrong_check_digit(NUMBER)},
            "invalid_document_number",
            "document_number",
        ),
        ({"document_type": "驾驶证"}, "unknown_document_type", "document_type"),
        ({"name": ""}, "value_required", "name"),
        ({"document_number": ""}, "value_required", "document_number"),
        ({"gender": "未知"}, "invalid_value", "gender"),
        ({"phone": "12345"}, "invalid_value", "phone"),
        ({"photo_to_follow": "也许"}, "invalid_value", "photo_to_follow"),
        ({"guardian_name": "家长"}, "value_required", "guardian_document_type"),
    ],
)
def test_a_row_that_says_too_little_or_wrongly_is_refused_naming_its_column(
    cells: dict[str, object], code: str, field: str
) -> None:
    """SPEC APP-3, ID-1/2: each refusal names the form's column, in Chinese and English."""
    found = refusal(rules.read_member(row(**cells), TODAY))
    assert (found.code, found.field) == (code, field)
    assert found.zh
    assert found.en


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (110101199003070011, CellProblem.DIGITS_LOST),
        (1234567, CellProblem.NUMBER),
        (datetime(2020, 1, 1), CellProblem.DATE),
        (1.5, CellProblem.NUMBER),
    ],
)
def test_a_number_or_date_in_a_text_column_is_marked(value: object, problem: CellProblem) -> None:
    """Issue 13: Excel's numbers lose digits and leading zeros; its dates are not text."""
    marked = rules.member_row(1, {"document_number": value})
    assert marked.problems == {"document_number": problem}
    found = refusal(rules.read_member(row(document_number=value), TODAY))
    assert found.field == "document_number"
    assert found.code in ("number_stored_as_number", "cell_is_date")


def test_a_phone_kept_as_a_number_is_taken() -> None:
    """Issue 13: a phone has no leading zero to lose; Excel's number is read as its digits."""
    assert rules.member_row(1, {"phone": 13900001234}).problems == {}
    assert read(phone=13900001234).name == "张三"


def test_a_header_is_found_by_its_chinese_or_english_names() -> None:
    """SPEC APP-3: the template's header, with its '*' marks, or English headers."""
    header = ["序号", "姓名*", "证件类型*", "证件号码*", "原因"]
    assert rules.is_header(header)
    assert rules.header_keys(header) == {
        0: "seq",
        1: "name",
        2: "document_type",
        3: "document_number",
    }
    assert rules.is_header(["Name", "Document number"])
    assert not rules.is_header(["江苏省社会保障卡申领登记表"])
    missing = rules.missing_columns(["name", "document_number"])
    assert [c.key for c in missing] == ["document_type"]


def test_a_registered_adult_with_a_photo_is_accepted() -> None:
    """SPEC APP-3."""
    verdict = rules.judge_member(read(), facts(), policy(), TODAY)
    assert verdict == Verdict(1, False, None)


@pytest.mark.parametrize(
    ("person", "cells", "code"),
    [
        (None, {}, "person_not_registered"),
        ({"name": "李四"}, {}, "name_does_not_match"),
        ({"gender": "F"}, {"gender": "男"}, "gender_does_not_match"),
        ({"live_card_number": "A12345678"}, {}, "live_card_exists"),
        ({"open_reference": "SQ32042026112300000001"}, {}, "application_in_progress"),
        ({"has_photo": False}, {}, "photo_required"),
        ({"birth_date": date(2012, 1, 1)}, {}, "guardian_required"),
        ({"full_capacity": False}, {}, "guardian_required"),
    ],
)
def test_a_member_the_registry_refutes_is_refused(
    person: dict[str, Any] | None, cells: dict[str, object], code: str
) -> None:
    """SPEC APP-3 (registered persons only), ID-3 (one card, one application), APP-5 (photo
    from age 7), ID-4 (a guardian for a minor or a person without full capacity)."""
    found = rules.judge_member(
        read(**cells), None if person is None else facts(**person), policy(), TODAY
    )
    assert refusal(found).code == code


def test_a_photo_to_follow_is_accepted_and_marked() -> None:
    """SPEC APP-3, APP-5: the unit supplies the photo later."""
    verdict = rules.judge_member(
        read(photo_to_follow="是"), facts(has_photo=False), policy(), TODAY
    )
    assert verdict == Verdict(1, True, None)


def test_a_child_under_seven_needs_no_photo() -> None:
    """SPEC APP-5: a photo from age 7 (满7周岁)."""
    guardian = {
        "guardian_name": "家长",
        "guardian_document_type": "居民身份证",
        "guardian_document_number": citizen_number(date(1985, 1, 1)),
        "guardian_relationship": "父母",
        "guardianship_proof": "出生证明",
    }
    child = facts(birth_date=date(2021, 1, 1), has_photo=False)
    verdict = rules.judge_member(read(**guardian), child, policy(), TODAY)
    assert isinstance(verdict, Verdict)
    assert not verdict.photo_pending
    assert verdict.guardian is not None
    assert verdict.guardian.proof == "birth_certificate"


def test_a_guardian_without_proof_is_refused_on_the_proof_column() -> None:
    """SPEC ID-4: a guardian brings proof of guardianship."""
    guardian = {
        "guardian_name": "家长",
        "guardian_document_type": "居民身份证",
        "guardian_document_number": citizen_number(date(1985, 1, 1)),
        "guardian_relationship": "父母",
    }
    found = rules.judge_member(
        read(**guardian), facts(birth_date=date(2012, 1, 1)), policy(), TODAY
    )
    assert refusal(found).field == "guardianship_proof"


def test_names_compare_as_printed() -> None:
    """ID-2: full-width letters and spaces aside; Latin names in any case."""
    assert rules.same_name("JOHN SMITH", "john smith")
    assert rules.same_name("张 三", "张三")
    assert not rules.same_name("张三", "张四")


def test_a_letter_of_authorisation_needs_its_reference() -> None:
    """SPEC APP-3."""
    with pytest.raises(rules.LetterReferenceRequired):
        rules.check_letter(rules.UnitBasis.AUTHORISATION_LETTER, " ")
    assert rules.check_letter(rules.UnitBasis.CREDIT_CODE_CERTIFICATE, None) is None


@pytest.mark.parametrize("name", ["张\u200b三", "张\u3164三", "张" * 51])
def test_a_name_with_an_invisible_character_or_too_long_is_refused(name: str) -> None:
    """Issue 11's rule on every field: no invisible character hides in a member's name."""
    found = refusal(rules.read_member(row(name=name), TODAY))
    assert (found.code, found.field) == ("invalid_value", "name")
