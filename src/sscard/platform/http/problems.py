"""Errors as application/problem+json (RFC 9457) with a stable code, the rule and zh/en text."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sscard.kernel.errors import DomainError
from sscard.platform.validation import field_errors

PROBLEM = "application/problem+json"
TYPE_BASE = "https://sscard.example/problems/"
log = logging.getLogger("sscard.http")


def wants_english(request: Request) -> bool:
    return request.headers.get("accept-language", "").lower().startswith("en")


def problem(
    request: Request,
    *,
    status: int,
    code: str,
    zh: str,
    en: str,
    rule: str | None = None,
    field: str | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body = {
        "type": TYPE_BASE + code,
        "title": code,
        "status": status,
        "code": code,
        "rule": rule,
        "field": field,
        "detail": en if wants_english(request) else zh,
        "detail_zh": zh,
        "detail_en": en,
        **(extra or {}),
    }
    headers = {"WWW-Authenticate": _challenge(request, code)} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _challenge(request: Request, code: str) -> str:
    """RFC 6750 §3: the scheme a 401 asks for; invalid_token when a token was sent. A bank
    report's signature is checked after its bearer token, so its 401 names the signature."""
    if code == "signature_refused":
        return 'Bearer realm="sscard", error="invalid_request", error_description="signature"'
    if request.headers.get("authorization"):
        return 'Bearer realm="sscard", error="invalid_token"'
    return 'Bearer realm="sscard"'


def domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    extra = exc.extra()
    return problem(
        request,
        status=exc.status,
        code=exc.code,
        zh=exc.detail_zh,
        en=exc.detail_en,
        rule=exc.rule,
        field=exc.field,
        extra=extra,
    )


def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = field_errors(exc.errors())
    first = errors[0]
    return problem(
        request,
        status=422,
        code="invalid_input",
        zh=f"字段“{first['field']}”无效：{first['reason_zh']}",
        en=f"Field '{first['field']}' is invalid: {first['reason_en']}",
        field=first["field"],
        extra={"errors": errors},
    )


_HTTP_ZH = {
    404: "地址不存在",
    405: "不支持此请求方法",
    413: "请求内容过大",
    415: "不支持此内容类型",
}


def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem(
        request,
        status=exc.status_code,
        code=f"http_{exc.status_code}",
        zh=_HTTP_ZH.get(exc.status_code, "请求无法处理"),
        en=str(exc.detail),
    )


def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The exception text may hold personal data; log its type and the frames, never its text.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error(
        "unexpected %s on %s %s\n%s", type(exc).__name__, request.method, request.url.path, frames
    )
    return problem(
        request,
        status=500,
        code="internal_error",
        zh="服务内部错误，操作未生效，请稍后重试",
        en="Internal error; nothing was changed, please retry later",
    )


def install(app: FastAPI) -> None:
    """Every refusal and failure of the app answered as application/problem+json."""
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
