"""What requests share in every context: strict JSON objects, a reason given with a change,
and ids and cursors bounded to what the databases store."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from sscard.kernel.db import MAX_ID
from sscard.kernel.masking import personal_number_kind
from sscard.kernel.text import unsafe_characters
from sscard.platform.http.guard import refuse_repeated_keys

M = TypeVar("M", bound=BaseModel)
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
IdField = Annotated[int, Field(ge=1, le=MAX_ID)]


def cursor() -> Any:
    """The `after` query parameter of a keyset page: 0 for the first page."""
    return Query(0, ge=0, le=MAX_ID, description="cursor from the previous page")


def id_filter(description: str | None = None) -> Any:
    """An optional query parameter naming a row by its id."""
    return Query(None, ge=1, le=MAX_ID, description=description)


class Body(BaseModel):
    """A request body: no unknown members, strings trimmed, and no string holding a control,
    format (zero-width, bidirectional override), unassigned or private-use character (issue 11).
    Types are checked strictly by the route guard (platform/http/guard.py)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_unsafe_characters(cls, value: Any) -> Any:
        for text in _strings(value):
            bad = unsafe_characters(text)
            if bad:
                raise PydanticCustomError(
                    "unsafe_characters",
                    "contains characters no field may hold: {chars}",
                    {"chars": ", ".join(bad)},
                )
        return value


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set | frozenset):
        return [v for v in value if isinstance(v, str)]
    return []


class TransitionIn(Body):
    reason: str | None = Field(
        None, max_length=200, description="why, kept in the history: no ID or phone number"
    )

    @field_validator("reason", mode="after")
    @classmethod
    def _no_personal_number(cls, value: str | None) -> str | None:
        """SPEC ID-6: a reason is kept in the history and shown to whoever reads it, so it may
        hold no ID or phone number (however the digits are split)."""
        if value and personal_number_kind(value):
            raise PydanticCustomError(
                "personal_number",
                "{reason_en}",
                {
                    "reason_zh": "不能含证件号码或电话号码",
                    "reason_en": "may hold no ID or phone number",
                },
            )
        return value


def client_address(request: Request) -> str | None:
    """The client's network address: the peer's, or the one a trusted proxy forwarded
    (uvicorn's proxy headers, from the addresses in FORWARDED_ALLOW_IPS); None if unknown."""
    return request.client.host if request.client else None


# How a signed request's headers are made (platform/outbox/signing.py; the same for banks,
# scene terminals and delta nodes).
SIGNED_HEADERS = {
    "X-Sscard-Timestamp": "Unix time in whole seconds; refused more than 300 s from sscard's clock",
    "X-Sscard-Signature": "hmac-sm3=<64 hex digits>: HMAC-SM3 (GB/T 32905) keyed with the signing "
    "key (its 64 hex digits decoded to 32 bytes) over the timestamp, a newline (\\n) and the "
    "exact body bytes",
}


def signed_body_openapi(model: type[BaseModel], headers: tuple[str, ...]) -> dict[str, Any]:
    """`openapi_extra` for a route that reads its raw body (to check a signature over the exact
    bytes) before parsing it as `model`: the body's schema, definitions inlined, and the
    required signature `headers`."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": walk(schema)}},
        },
        "parameters": [
            {
                "name": name,
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
                "description": SIGNED_HEADERS.get(name, ""),
            }
            for name in headers
        ],
    }


def parse_strict(model: type[M], raw: bytes) -> M:
    """The raw body as `model`, strictly typed; RequestValidationError (422, each field named)
    as for any other body, InvalidInput for a key given twice."""
    refuse_repeated_keys(raw)
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as bad:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in bad.errors(include_url=False)]
        ) from None
