"""Forms read into the API's own schemas, and refusals put next to their fields (issue 12).

A form's text goes through the same pydantic schema as the API's JSON body (lax mode: a form
only has strings), then through the same use case; a refusal is shown next to the field it
names, in the page's language, with what was typed kept, and nothing is stored.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from sscard.kernel.errors import DomainError, InvalidInput, invalid
from sscard.platform.validation import InvalidFields, invalid_fields
from sscard.web import i18n

M = TypeVar("M", bound=BaseModel)


def parse(schema: type[M], values: dict[str, Any]) -> M:
    """`values` as `schema`; raises InvalidFields (every field at fault) as the API would.
    Empty strings count as not given, as an HTML form cannot leave a field out."""
    given = {k: v for k, v in values.items() if v not in ("", None)}
    try:
        return schema.model_validate(given)
    except ValidationError as bad:
        raise invalid_fields(bad) from None


def field_messages(request: Request, refusal: DomainError) -> dict[str, str]:
    """Field name → the reason in the page's language (the last part of a dotted path is the
    form field's name); a refusal naming no field is keyed by '' (shown above the form)."""
    english = i18n.language(request) == "en"
    if isinstance(refusal, InvalidFields):
        out: dict[str, str] = {}
        for e in refusal.errors:
            name = e["field"].split(".")[-1]
            out.setdefault(name, e["reason_en"] if english else e["reason_zh"])
        return out
    return {(refusal.field or "").split(".")[-1]: next_to_field(refusal, english)}


def next_to_field(refusal: DomainError, english: bool) -> str:
    """A refusal as said next to the input it names: a field's own reason (its label names
    the field; "字段“current_password”无效" would show an internal name), else the whole
    refusal."""
    reason = refusal.params.get("reason_en" if english else "reason_zh")
    if isinstance(refusal, InvalidInput) and refusal.field and isinstance(reason, str):
        return reason
    return refusal.detail_en if english else refusal.detail_zh


YUAN_TEXT = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?")


def fen_of_yuan(yuan: str, field: str, most_fen: int = 100_000_00) -> int:
    """Yuan as typed, to fen exactly: 0-9 digits with at most two decimals (12.345, 1e3 and
    thousands separators are refused, not rounded or guessed), from 0.01 to `most_fen`;
    InvalidInput naming `field` otherwise."""
    text = yuan.strip()
    if not YUAN_TEXT.fullmatch(text):
        if re.fullmatch(r"[0-9]+\.[0-9]{3,}", text):
            raise invalid(field, "须为元，至多两位小数", "must be yuan with at most two decimals")
        raise invalid(field, "须为金额（元）", "must be an amount in yuan")
    whole, _, cents = text.partition(".")
    fen = int(whole) * 100 + int(cents.ljust(2, "0"))
    if not 0 < fen <= most_fen:
        most = f"{most_fen / 100:.2f}"
        raise invalid(field, f"须为0.01至{most}元", f"must be 0.01 to {most} yuan")
    return fen
