"""Pydantic's validation errors as sscard says them: each field with its reason in Chinese and
English, for the HTTP API's 422 problems and the commands that read a body from a file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def field_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Pydantic's errors as the problem's `errors`: each field (dotted path) with its reason in
    Chinese and English; never the value given (it may be personal data)."""
    return [
        {
            "field": _field(tuple(e["loc"])),
            "reason_zh": _ZH.get(e["type"], "格式不正确"),
            "reason_en": e["msg"],
        }
        for e in errors
    ]
