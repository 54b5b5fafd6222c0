"""Response shapes, for the OpenAPI document only: handlers return plain data rendered with
orjson, so these models describe the answers without re-validating them on every request."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Problem(BaseModel):
    """application/problem+json (RFC 9457) with sscard's members."""

    type: str
    title: str
    status: int
    code: str = Field(description="stable machine code, e.g. live_card_exists")
    rule: str | None = Field(description="the SPEC rule enforced, e.g. ID-3")
    field: str | None = Field(description="the request field at fault, dotted")
    detail: str = Field(description="detail_zh, or detail_en when Accept-Language starts with en")
    detail_zh: str
    detail_en: str


PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {"application/problem+json": {}}}
    for status in (401, 403, 404, 409, 422)
}


def answers(model: type[BaseModel], status: int = 200) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": model}, **PROBLEMS}
