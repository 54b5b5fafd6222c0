"""The landing page, the staff member's own account, the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.actors.staff import service as staff
from sscard.actors.staff.service import StaffSession
from sscard.kernel.actor import ROLE_EN, ROLE_ZH
from sscard.kernel.errors import DomainError
from sscard.web import forms, i18n, navigation
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import SESSION_COOKIE, SIGN_IN, form, read, run, set_cookie, signed_in

router = page_router()


@router.get("/")
async def landing(request: Request, who: StaffSession = Depends(signed_in)) -> Response:
    return redirect(request, navigation.home(who))


@router.get("/lang")
async def switch_language(request: Request, to: str = "zh", next: str = "/") -> Response:
    parts = urlsplit(next)
    target = (
        next if next.startswith("/") and not next.startswith("//") and not parts.netloc else "/"
    )
    response = redirect(request, target)
    set_cookie(response, i18n.COOKIE, to if to in i18n.LANGUAGES else i18n.DEFAULT)
    return response


@router.get("/account")
async def account(request: Request, who: StaffSession = Depends(signed_in)) -> Response:
    role = who.actor.role
    label = ROLE_ZH[role] if i18n.language(request) == "zh" else ROLE_EN[role]
    names = await read(request, who.actor, lambda ctx: place_names(ctx, i18n.language(request)))
    return render(request, "account/home.html", {"role_label": label, "names": names})


@router.get("/account/password")
async def password_page(request: Request, who: StaffSession = Depends(signed_in)) -> Response:
    return render(request, "account/password.html", {"errors": {}})


@router.post("/account/password")
async def change_password(request: Request, who: StaffSession = Depends(signed_in)) -> Response:
    data = await form(request)
    current = str(data.get("current_password") or "")
    new, again = str(data.get("password") or ""), str(data.get("password_again") or "")
    lang = i18n.language(request)
    if new != again:
        message = "两次输入的新密码不一致" if lang == "zh" else "The two new passwords differ"
        return render(
            request, "account/password.html", {"errors": {"password_again": message}}, status=422
        )
    token = request.cookies.get(SESSION_COOKIE) or ""
    try:
        await run(request, SIGN_IN, lambda ctx: staff.change_password(ctx, token, current, new))
    except DomainError as refusal:
        field = refusal.field or "password"
        text = forms.next_to_field(refusal, lang == "en")
        return render(request, "account/password.html", {"errors": {field: text}}, status=422)
    return redirect(request, navigation.home(who))


__all__ = ["router", "set_cookie"]
