"""ReDoc, the API's reference page, served whole from this service (issue 11; issue 12: no
page loads anything from outside).

ReDoc's bundle (the copy fastapi-offline ships) draws Redocly's logo in its footer from
cdn.redoc.ly whatever its options. The bundle is served here with that one address pointing at
this service's own icon instead, read once and kept in memory; the page's policy also allows
images from this service only.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse, Response

BUNDLE = Path(fastapi_offline.__file__).parent / "static" / "redoc.standalone.js"
CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
OWN_LOGO = "/static/favicon.svg"
SCRIPT_PATH = "/redoc/redoc.standalone.js"


@cache
def bundle() -> bytes:
    """The ReDoc bundle with the CDN logo's address replaced (ValueError if it is not there:
    a new ReDoc release moved it, and this module must be looked at again)."""
    text = BUNDLE.read_text(encoding="utf-8")
    if CDN_LOGO not in text:
        raise ValueError(f"{CDN_LOGO} not found in {BUNDLE}")
    return text.replace(CDN_LOGO, OWN_LOGO).encode()


def install_redoc(app: FastAPI, title: str) -> None:
    """GET /redoc (the page) and its script, on `app` (built with redoc_url=None)."""

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        page = get_redoc_html(
            openapi_url="/openapi.json",
            title=f"{title} - ReDoc",
            redoc_js_url=SCRIPT_PATH,
            redoc_favicon_url=OWN_LOGO,
            with_google_fonts=False,
        )
        page.headers["Content-Security-Policy"] = "img-src 'self' data:"
        return page

    @app.get(SCRIPT_PATH, include_in_schema=False)
    async def redoc_script() -> Response:
        return Response(
            bundle(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )
