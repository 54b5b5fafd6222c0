"""Sign-in of staff: password, then the TOTP code (enrolled at the first sign-in), sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

import segno
from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.actors.staff import rules
from sscard.actors.staff import service as staff
from sscard.actors.staff.service import StaffSession
from sscard.platform.http.request import client_address
from sscard.web import i18n, navigation
from sscard.web.i18n import N_
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import (
    SESSION_COOKIE,
    SIGN_IN,
    check_form_token,
    ensure_pre_session,
    form,
    pending,
    run,
    set_cookie,
)

router = page_router()
ENDED = {
    "idle": N_("You were signed out after 15 minutes without activity. Sign in again."),
    "expired": N_("Your session has reached the end of a shift. Sign in again."),
    "reset": N_("Your account was reset by an administrator. Sign in with the new password."),
    "locked": N_("Your account was locked after repeated failures."),
}


def _next(value: object) -> str:
    """Only a path of this site may follow sign-in (no open redirect)."""
    text = value if isinstance(value, str) else ""
    parts = urlsplit(text)
    if not text.startswith("/") or text.startswith("//") or parts.scheme or parts.netloc:
        return ""
    return text


@router.get("/signin")
async def sign_in_page(request: Request, next: str = "", ended: str = "") -> Response:
    _ = i18n.translator(request)
    ended_text = _(ENDED[ended]) if ended in ENDED else ""
    response = render(
        request,
        "signin/password.html",
        {"next": _next(next), "ended": ended_text, "values": {}, "refusal": None},
    )
    ensure_pre_session(request, response)
    return response


@router.post("/signin")
async def sign_in(request: Request) -> Response:
    await check_form_token(request)
    data = await form(request)
    username, password = str(data.get("username") or ""), str(data.get("password") or "")
    client = client_address(request)
    outcome = await run(
        request, SIGN_IN, lambda ctx: staff.sign_in(ctx, username, password, client=client)
    )
    if outcome.refusal is not None:
        context = {
            "next": _next(data.get("next")),
            "ended": "",
            "values": {"username": username},
            "refusal": outcome.refusal,
        }
        return render(request, "signin/password.html", context, status=outcome.refusal.status)
    assert outcome.token is not None
    response = redirect(request, "/signin/code" + _query_next(data.get("next")))
    set_cookie(response, SESSION_COOKIE, outcome.token)
    return response


def _query_next(value: object) -> str:
    target = _next(value)
    return f"?next={target}" if target else ""


@router.get("/signin/code")
async def code_page(
    request: Request, next: str = "", who: StaffSession = Depends(pending)
) -> Response:
    if who.stage == "signed_in":
        return redirect(request, _next(next) or navigation.home(who))
    return await _code_form(request, who, _next(next), None)


async def _code_form(
    request: Request, who: StaffSession, next_path: str, refusal: object
) -> Response:
    context: dict[str, object] = {"enrol": not who.totp_enrolled, "next": next_path}
    if not who.totp_enrolled:
        token = request.cookies.get(SESSION_COOKIE) or ""
        secret, uri = await run(request, SIGN_IN, lambda ctx: staff.begin_enrollment(ctx, token))
        context["qr_svg"] = segno.make(uri, error="m").svg_inline(scale=5, dark="#111")
        context["secret_groups"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    context["refusal"] = refusal
    status = getattr(refusal, "status", 200)
    return render(request, "signin/code.html", context, status=status)


@router.post("/signin/code")
async def take_code(request: Request, who: StaffSession = Depends(pending)) -> Response:
    data = await form(request)
    token = request.cookies.get(SESSION_COOKIE) or ""
    code = str(data.get("code") or "")
    fresh, refusal = await run(request, SIGN_IN, lambda ctx: staff.second_factor(ctx, token, code))
    next_path = _next(data.get("next"))
    if refusal is not None:
        if isinstance(refusal, rules.AccountLocked):
            return render(
                request,
                "signin/password.html",
                {"next": next_path, "ended": "", "values": {}, "refusal": refusal},
                status=refusal.status,
            )
        return await _code_form(request, who, next_path, refusal)
    assert fresh is not None
    target = "/account/password" if who.must_change_password else next_path
    response = redirect(request, target or navigation.home(who))
    set_cookie(response, SESSION_COOKIE, fresh)
    return response


@router.post("/signout")
async def sign_out(request: Request) -> Response:
    await check_form_token(request)
    token = request.cookies.get(SESSION_COOKIE)
    await run(request, SIGN_IN, lambda ctx: staff.sign_out(ctx, token))
    response = redirect(request, "/signin")
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response
