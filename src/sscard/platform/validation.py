"""Pydantic's validation errors as sscard says them: each field with its reason in Chinese and
English, for the HTTP API's 422 problems and the commands that read a body from a file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from sscard.kernel.errors import InvalidInput

# Pydantic's error types, said in Chinese; anything else falls back to a general phrase.
_ZH = {
    "missing": "必填",
    "string_type": "须为文本",
    "string_too_short": "太短",
    "string_too_long": "太长",
    "string_pattern_mismatch": "格式不正确",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "bool_parsing": "须为是/否",
    "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）",
    "date_parsing": "须为日期（YYYY-MM-DD）",
    "date_type": "须为日期（YYYY-MM-DD）",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "greater_than": "数值太小",
    "json_invalid": "不是有效的JSON",
    "model_attributes_type": "须为对象",
    "dict_type": "须为对象",
    "list_type": "须为列表",
    "extra_forbidden": "不允许此字段",
}


# Error types whose Chinese names the limit or the choices, from pydantic's context.
_ZH_WITH_CONTEXT = {
    "enum": "须为{expected}之一",
    "literal_error": "须为{expected}之一",
    "greater_than_equal": "须不小于{ge}",
    "less_than_equal": "须不大于{le}",
    "greater_than": "须大于{gt}",
    "less_than": "须小于{lt}",
    "string_too_short": "至少{min_length}个字符",
    "string_too_long": "最多{max_length}个字符",
    "unsafe_characters": "含有不允许的字符：{chars}",
    "person_name": "{reason_zh}",
    "personal_number": "{reason_zh}",
    "choose_one": "{reason_zh}",
    "not_nullable": "可不填以保留原值，但不能设为空",
}


def _field(error: Any) -> str:
    if error["type"] == "json_invalid":
        return "body"  # its location is a character position, not a field
    parts = [str(p) for p in error["loc"] if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _reason_zh(error: Any) -> str:
    template = _ZH_WITH_CONTEXT.get(error["type"])
    if template is not None:
        context = dict(error.get("ctx") or {})
        if "expected" in context:
            context["expected"] = _choices_zh(str(context["expected"]))
        try:
            return template.format(**context)
        except KeyError:
            pass
    return _ZH.get(error["type"], "格式不正确")


def _choices_zh(expected: str) -> str:
    """Pydantic's English list of choices ("'a', 'b' or 'c'") as Chinese lists them
    (“a”、“b”或“c”)."""
    values = re.findall(r"'([^']*)'", expected)
    if len(values) < 2:
        return expected
    quoted = [f"“{v}”" for v in values]
    return "、".join(quoted[:-1]) + "或" + quoted[-1]


def _reason_en(error: Any) -> str:
    if error["type"] == "json_invalid":
        return f"not valid JSON ({(error.get('ctx') or {}).get('error', 'decode error')})"
    return str(error["msg"])


def field_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Pydantic's errors as the problem's `errors`: each field (dotted path; `body` for a body
    that is not JSON) with its reason in Chinese and English, limits and choices named; never
    the value given (it may be personal data)."""
    return [
        {"field": _field(e), "reason_zh": _reason_zh(e), "reason_en": _reason_en(e)} for e in errors
    ]


class InvalidFields(InvalidInput):
    """A body refused by its model, outside FastAPI's own checks (a command's file, a route
    that reads its body itself): the first field named, every field in `errors`."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        first = errors[0]
        super().__init__(
            field=first["field"],
            field_name=first["field"],
            reason_zh=first["reason_zh"],
            reason_en=first["reason_en"],
        )
        self.errors = errors

    def extra(self) -> dict[str, Any] | None:
        return {"errors": self.errors}


def invalid_fields(bad: ValidationError) -> InvalidFields:
    """The refusal of a body pydantic refused, as the API's 422 says it."""
    return InvalidFields(field_errors(bad.errors()))
