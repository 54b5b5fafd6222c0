"""Put the pages and their static files on the app (sscard.app calls `install`)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from sscard.platform.http import problems
from sscard.web.pages import (
    account,
    audit,
    bank,
    centre,
    centre_batches,
    centre_delta,
    centre_lists,
    centre_mailing,
    centre_medical,
    centre_payments,
    centre_scenes,
    centre_transport,
    counter,
    counter_cards,
    counter_family,
    counter_medical,
    counter_transport,
    counter_unit_collection,
    counter_units,
    dashboard,
    documents,
    hall,
    hall_apply,
    hall_ecard,
    hall_family,
    hall_mandates,
    hall_medical,
    hall_payments,
    hall_services,
    hall_transport,
    hotline,
    offers,
    signin,
    unit,
    unit_batches,
)
from sscard.web.render import render

STATIC = Path(__file__).parent / "static"
ROUTERS = (
    signin.router,
    account.router,
    dashboard.router,
    centre.router,
    centre_mailing.router,
    centre_scenes.router,
    centre_lists.router,
    centre_delta.router,
    centre_medical.router,
    centre_payments.router,
    centre_payments.uploads,
    centre_transport.router,
    centre_batches.router,
    hotline.router,
    bank.router,
    audit.router,
    counter.router,
    counter_cards.router,
    counter_family.router,
    counter_medical.router,
    counter_transport.router,
    hall_transport.router,
    hall_payments.router,
    hall_mandates.router,
    offers.router,
    counter_units.router,
    counter_unit_collection.router,
    documents.router,
    hall.router,
    hall_family.router,
    hall_ecard.router,
    hall_medical.router,
    hall_services.router,
    hall_apply.router,
    unit.router,
    unit.uploads,
    unit_batches.router,
)


# Paths whose errors stay problem+json whatever the client accepts.
MACHINE_PATHS = ("/api/", "/openapi.json", "/docs", "/redoc", "/health", "/static/")


def install(app: FastAPI) -> None:
    """Mount /static (the console's CSS and vendored scripts) and every desk's pages; an
    address that does not exist answers a browser with a page, anyone else as before."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    app.add_exception_handler(StarletteHTTPException, _http_error)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    browser = "text/html" in request.headers.get("accept", "")
    if not browser or request.url.path.startswith(MACHINE_PATHS):
        return problems.http_error(request, exc)
    context: dict[str, object] = {"refusal": None, "errors": [], "status": exc.status_code}
    return render(request, "error.html", context, status=exc.status_code)
