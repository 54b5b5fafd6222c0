"""Pages over HTTP without a browser: a client of the application and a staff sign-in."""

from __future__ import annotations

import re
from functools import cache

import httpx
import pyotp
from fastapi import FastAPI

from sscard.app import create_app
from sscard.kernel.runtime import Runtime
from tests.support.console import StaffMember

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(html: str) -> str:
    """The form token of a page."""
    found = TOKEN.search(html)
    assert found is not None
    return found.group(1)


@cache
def application(rt: Runtime) -> FastAPI:
    """The one application of a runtime for the whole run (the `app` fixture's too): FastAPI
    builds a route's handler state the first time a request is matched against it, some 800
    routes, which a fresh application per client paid again (a fifth of the page tests' time).
    Nothing in it belongs to a test: the clock and the data live in the runtime."""
    return create_app(runtime=rt)


def client(rt: Runtime, lang: str = "zh") -> httpx.AsyncClient:
    """A client of the application (pages in Chinese, or English by the switch's cookie)."""
    transport = httpx.ASGITransport(app=application(rt), raise_app_exceptions=False)
    return httpx.AsyncClient(
        transport=transport, base_url="https://sscard.test", cookies={"sscard_lang": lang}
    )


async def sign_in(client: httpx.AsyncClient, rt: Runtime, who: StaffMember) -> None:
    """Sign in through the pages: password, then the code of the clock's moment."""
    page = await client.get("/signin")
    form = {"csrf_token": form_token(page.text), "username": who.username, "password": who.password}
    assert (await client.post("/signin", data=form)).status_code == 303
    page = await client.get("/signin/code")
    code = pyotp.TOTP(who.secret).at(rt.clock.now())
    r = await client.post("/signin/code", data={"csrf_token": form_token(page.text), "code": code})
    assert r.status_code == 303
