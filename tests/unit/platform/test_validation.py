"""Pydantic's refusals said as sscard says them: the field, and a reason in both languages."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field, ValidationError

from sscard.platform.validation import field_errors


class Colour(StrEnum):
    WHITE = "white"
    BLUE = "blue"


class Sample(BaseModel):
    colour: Colour
    days: int = Field(ge=1, le=30)
    name: str = Field(max_length=4)


def _errors(raw: str) -> list[dict[str, str]]:
    try:
        Sample.model_validate_json(raw)
    except ValidationError as bad:
        return field_errors(bad.errors())
    raise AssertionError("accepted")


def test_a_body_that_is_not_json_is_the_body_at_fault() -> None:
    [error] = _errors('{"colour": "white",')
    assert error["field"] == "body"
    assert error["reason_zh"] == "不是有效的JSON"
    assert error["reason_en"].startswith("not valid JSON")


def test_choices_and_limits_are_named_in_chinese_too() -> None:
    by_field = {e["field"]: e for e in _errors('{"colour": "red", "days": 0, "name": "abcdef"}')}
    assert by_field["colour"]["reason_zh"] == "须为“white”或“blue”之一"  # no English "or"
    assert "blue" in by_field["colour"]["reason_zh"]
    assert by_field["days"]["reason_zh"] == "须不小于1"
    assert by_field["name"]["reason_zh"] == "最多4个字符"
