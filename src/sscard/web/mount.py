"""Put the pages and their static files on the app (sscard.app calls `install`)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from sscard.web.pages import (
    account,
    audit,
    bank,
    centre,
    counter,
    counter_cards,
    dashboard,
    documents,
    hotline,
    signin,
)

STATIC = Path(__file__).parent / "static"
ROUTERS = (
    signin.router,
    account.router,
    dashboard.router,
    centre.router,
    hotline.router,
    bank.router,
    audit.router,
    counter.router,
    counter_cards.router,
    documents.router,
)


def install(app: FastAPI) -> None:
    """Mount /static (the console's CSS and vendored scripts) and every desk's pages."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
