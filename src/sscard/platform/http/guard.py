"""Every request body is bounded and typed before anything parses it (issue 11).

`GuardedRoute` is the route class of every router: it answers 415 for a body whose media type
the operation does not take, 413 for one over its limit (from Content-Length before a byte is
read, or while reading a chunked body), and validates a JSON body strictly — `true` and `"25"`
are not integers — before FastAPI's own (lax) validation sees it.
"""

from __future__ import annotations

import email.message
import json
from collections.abc import Callable, Coroutine
from contextlib import suppress
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.types import Message, Receive

from sscard.kernel.config import Settings
from sscard.kernel.errors import DomainError, invalid
from sscard.kernel.text import ascii_int, unsafe_characters

JSON = "application/json"
MULTIPART = "multipart/form-data"
MULTIPART_ALLOWANCE = 8_192  # a multipart form's other fields and part headers
STREAMED = frozenset({"text/csv"})  # read by the operation as it arrives, never whole


class BodyTooLarge(DomainError):
    code = "body_too_large"
    status = 413
    message_zh = "请求内容超过{limit}字节的上限，未被读取"
    message_en = "The request body exceeds the limit of {limit} bytes and was not read"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    status = 415
    message_zh = "此操作不接受“{given}”内容，请以{accepted}发送"
    message_en = "This operation does not take '{given}'; send {accepted}"


class MalformedHeader(DomainError):
    code = "malformed_header"
    status = 400
    message_zh = "请求头“{name}”格式不正确"
    message_en = "Header '{name}' is malformed"


def media_type(request: Request) -> str:
    """The request's media type, lower case, without parameters; '' when none is given."""
    value = request.headers.get("content-type")
    if not value:
        return ""
    message = email.message.Message()
    message["content-type"] = value
    return message.get_content_type().lower()


def limit_for(media: str, settings: Settings) -> int:
    """Bytes a body of this media type may hold (SSCARD_MAX_*_BYTES). A multipart form is
    taken only by a page that declares it (the counter's photo upload): the photo's limit,
    plus room for the form's token and the part headers."""
    if media.startswith("image/"):
        return settings.max_photo_bytes
    if media == MULTIPART:
        return settings.max_photo_bytes + MULTIPART_ALLOWANCE
    if media in STREAMED:
        return settings.max_file_bytes
    return settings.max_body_bytes


def declared_length(request: Request) -> int | None:
    """Content-Length as ASCII digits, or None when the body is chunked; 400 otherwise."""
    value = request.headers.get("content-length")
    if value is None:
        return None
    length = ascii_int(value, 18)
    if length is None:
        raise MalformedHeader(field="Content-Length", name="Content-Length")
    return length


def bounded_receive(receive: Receive, limit: int) -> Receive:
    """`receive` that raises BodyTooLarge once more than `limit` bytes have arrived."""
    seen = 0

    async def guarded() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(field="body", limit=limit)
        return message

    return guarded


class GuardedRoute(APIRoute):
    """An APIRoute whose body is bounded, of a declared media type and strictly typed."""

    def accepted_media(self) -> tuple[str, ...]:
        """The media types this operation's body may have; () for an operation without one."""
        declared = (self.openapi_extra or {}).get("requestBody", {}).get("content", {})
        if declared:
            return tuple(declared)
        return (JSON,) if self.body_field is not None else ()

    def strict_body(self) -> TypeAdapter[Any] | None:
        annotation = self.body_field.field_info.annotation if self.body_field else None
        return None if annotation is None else TypeAdapter(annotation)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        accepted = self.accepted_media()
        adapter = self.strict_body()
        required = self.body_field is not None and self.body_field.field_info.is_required()

        async def guarded(request: Request) -> Response:
            _refuse_unsafe_parameters(request)
            request = await _bounded(request, accepted)
            if adapter is not None:
                raw = await request.body()
                if raw or required:
                    _validate_strictly(adapter, raw)
            return await handler(request)

        return guarded


def _refuse_unsafe_parameters(request: Request) -> None:
    """A path or query parameter holding NUL, a control or an invisible character is refused by
    name (the same rule as body strings): PostgreSQL cannot even compare a text with NUL in it."""
    params = [*request.path_params.items(), *request.query_params.multi_items()]
    for name, value in params:
        value = str(value)
        bad = unsafe_characters(name + value)
        if bad:
            raise invalid(
                name,
                f"含有不允许的字符：{', '.join(bad)}",
                f"contains characters no field may hold: {', '.join(bad)}",
            )


async def _bounded(request: Request, accepted: tuple[str, ...]) -> Request:
    settings: Settings = request.app.state.runtime.settings
    media = media_type(request)
    length = declared_length(request)
    chunked = "chunked" in request.headers.get("transfer-encoding", "").lower()
    has_body = bool(length) or chunked
    if has_body and accepted and media not in accepted:
        raise UnsupportedMediaType(
            field="Content-Type", given=media or "(none)", accepted=" / ".join(accepted)
        )
    limit = limit_for(media, settings) if accepted else settings.max_body_bytes
    if length is not None and length > limit:
        raise BodyTooLarge(field="body", limit=limit)
    bounded = Request(request.scope, bounded_receive(request.receive, limit))
    if media not in STREAMED:
        await bounded.body()  # read now, bounded; FastAPI and the operation reuse it
    return bounded


def _pairs_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise invalid(key, "同一字段提交了多次", "was given more than once")
        seen[key] = value
    return seen


def refuse_repeated_keys(raw: bytes) -> None:
    """InvalidInput naming a key given twice in one object (JSON parsers keep the last
    silently, and the first is what a reader sees); a body that is no JSON is left to the
    model's parser to name."""
    with suppress(json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        json.loads(raw or b"null", object_pairs_hook=_pairs_once)


def _validate_strictly(adapter: TypeAdapter[Any], raw: bytes) -> None:
    """The body as its model takes it, strictly; a key given twice in one object is refused
    by name."""
    refuse_repeated_keys(raw)
    try:
        adapter.validate_json(raw or b"null", strict=True)
    except ValidationError as bad:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in bad.errors(include_url=False)]
        ) from None
