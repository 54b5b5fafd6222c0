"""Response shapes, for the OpenAPI document only: handlers return plain data rendered with
orjson, so these models describe the answers without re-validating them on every request.

`document()` finishes the OpenAPI document so it says what the service does: every refusal is
`application/problem+json` with the Problem schema (never FastAPI's HTTPValidationError), and
each operation lists every problem it can give — the route guard's 400/413/415, the bearer
token's 401, the role's 403, 404, 409, 422 — and the 500 of a failure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, Field
from starlette.routing import BaseRoute

from sscard.platform.http.deps import current_actor
from sscard.platform.http.guard import GuardedRoute

PROBLEM_MEDIA = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# FastAPI's own 422 shapes, which this service never sends (validation errors are Problems).
FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")


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
    errors: list[dict[str, Any]] | None = Field(
        None,
        description="with several faults (invalid_input, a refused statement): each one, "
        "with its field (or line) and its reason in Chinese and English",
    )


# Why each status is answered, as the document says it.
PROBLEM_STATUS: dict[int, str] = {
    400: "A malformed request header (Content-Length)",
    401: "No token, or an unknown or revoked one (CH-2)",
    403: "The actor's role or outlet may not do this (CH-1, GOV-1)",
    404: "The resource named does not exist, or the actor may not see it",
    409: "A business rule refuses the request in the resource's present state",
    413: "The body exceeds its limit (SSCARD_MAX_*_BYTES) and was not read",
    415: "The body's media type is not one this operation takes",
    422: "A field is invalid (every fault in `errors`), or a rule refuses its value",
    423: "Locked: too many wrong passwords (PWD-2)",
    500: "An unexpected failure; nothing was changed",
    502: "The bank's system could not be reached or did not answer as it should",
}


def problem_response(status: int) -> dict[str, Any]:
    """One problem answer of an operation, as the OpenAPI document declares it."""
    return {
        "description": PROBLEM_STATUS.get(status, "A refusal"),
        "content": {PROBLEM_MEDIA: {"schema": PROBLEM_REF}},
    }


PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: problem_response(status) for status in (401, 403, 404, 409, 422)
}


def answers(model: type[BaseModel], status: int = 200) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": model}, **PROBLEMS}


def _calls(dependant: Dependant) -> Iterable[Any]:
    for dep in dependant.dependencies:
        yield dep.call
        yield from _calls(dep)


def problem_statuses(route: APIRoute) -> set[int]:
    """Every problem status the operation can answer, whatever its own code raises."""
    statuses = {500}
    if any(call is current_actor for call in _calls(route.dependant)):
        statuses |= {401, 403, 404, 409, 422}
    if isinstance(route, GuardedRoute):
        statuses |= {400, 404, 409, 413, 422}
        if route.accepted_media():
            statuses.add(415)
    return statuses


def document(openapi: dict[str, Any], routes: Sequence[BaseRoute]) -> dict[str, Any]:
    """The OpenAPI document with every operation's problems declared as the service sends them."""
    operations = {
        (context.path_format, method.lower()): context.original_route
        for context in iter_route_contexts(routes)
        if isinstance(context.original_route, APIRoute)
        for method in context.methods or ()
    }
    for path, item in openapi.get("paths", {}).items():
        for method, operation in item.items():
            route = operations.get((path, method))
            if route is None:
                continue
            responses = operation.setdefault("responses", {})
            declared = {int(code) for code in responses if code.isdigit() and int(code) >= 400}
            for status in sorted(declared | problem_statuses(route)):
                responses[str(status)] = problem_response(status)
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    for name in FASTAPI_VALIDATION:
        schemas.pop(name, None)
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    return openapi
