"""Every refusal and failure of the simulator's app as application/problem+json (RFC 9457)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from bank_simulator.errors import BankError

PROBLEM = "application/problem+json"
log = logging.getLogger("bank_simulator.http")


def problem(
    request: Request,
    status: int,
    code: str,
    zh: str,
    en: str,
    field: str | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    english = request.headers.get("accept-language", "").lower().startswith("en")
    body = {
        "type": f"about:blank#{code}",
        "title": code,
        "status": status,
        "code": code,
        "field": field,
        "detail": en if english else zh,
        "detail_zh": zh,
        "detail_en": en,
        **(extra or {}),
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BankError)
    return problem(request, exc.status, exc.code, exc.detail_zh, exc.detail_en, exc.field)


def _invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": ".".join(str(p) for p in e["loc"] if p not in ("body", "query", "path"))
            or "body",
            "reason": e["msg"],
        }
        for e in exc.errors()
    ]
    first = errors[0]
    return problem(
        request,
        422,
        "invalid_input",
        f"字段“{first['field']}”无效",
        f"Field '{first['field']}' is invalid: {first['reason']}",
        first["field"],
        {"errors": errors},
    )


def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = f"http_{exc.status_code}"
    return problem(request, exc.status_code, code, "请求无法处理", str(exc.detail))


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The text may hold personal data received from sscard: log the type only.
    log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
    return problem(request, 500, "internal_error", "银行系统内部错误", "Internal error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(BankError, _refused)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
