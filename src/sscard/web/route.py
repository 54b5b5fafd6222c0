"""The route class of every page: refusals become pages in the visitor's language.

A page route is as thin as an API route; what it does not catch itself ends here: an ended
session goes back to sign-in (keeping where the person was), a refusal is shown on an error
page with its reason and rule, a form from elsewhere is refused. The API keeps problem+json.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response

from sscard.actors.staff.rules import SessionEnded
from sscard.kernel.errors import DomainError, Unauthenticated
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.validation import field_errors
from sscard.web.session import Redirect, hx

log = logging.getLogger("sscard.web")


# Nothing from elsewhere: scripts, styles, images and forms come from the service itself.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def redirect(request: Request, location: str) -> Response:
    """303 to `location`; for htmx, HX-Redirect so the whole page follows."""
    if hx(request):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


class WebRoute(GuardedRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            response = await _answer(request)
            response.headers.update(SECURITY_HEADERS)
            return response

        async def _answer(request: Request) -> Response:
            try:
                return await handler(request)
            except Redirect as to:
                return redirect(request, to.location)
            except (SessionEnded, Unauthenticated) as ended:
                return _back_to_sign_in(request, ended)
            except DomainError as refusal:
                return _refusal_page(request, refusal)
            except RequestValidationError as bad:
                errors = field_errors(bad.errors())
                return _refusal_page(request, None, errors)
            except Exception as exc:
                frames = "".join(traceback.format_tb(exc.__traceback__))
                log.error(
                    "unexpected %s on page %s\n%s", type(exc).__name__, request.url.path, frames
                )
                return _refusal_page(request, None, None, status=500)

        return page


def _back_to_sign_in(request: Request, ended: DomainError) -> Response:
    target = request.url.path if request.method == "GET" else "/"
    location = f"/signin?next={quote(target)}"
    if isinstance(ended, SessionEnded) and ended.params.get("reason") != "signed_out":
        location += f"&ended={ended.params['reason']}"
    return redirect(request, location)


def _refusal_page(
    request: Request,
    refusal: DomainError | None,
    errors: list[dict[str, str]] | None = None,
    *,
    status: int | None = None,
) -> Response:
    from sscard.web.render import render

    code = status or (refusal.status if refusal else 422)
    context = {"refusal": refusal, "errors": errors or [], "status": code}
    return render(request, "error.html", context, status=code)


def page_router(prefix: str = "") -> APIRouter:
    """A router of pages: guarded like the API, kept out of the OpenAPI document."""
    return APIRouter(route_class=WebRoute, prefix=prefix, include_in_schema=False)
