"""Pages from Jinja2 templates, in the visitor's language, with what every page needs."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from sscard.kernel.clock import CHINA
from sscard.kernel.errors import DomainError
from sscard.web import i18n, navigation


@cache
def environment(lang: str) -> Environment:
    """One environment per language: gettext is installed once, never per request."""
    env = Environment(
        loader=PackageLoader("sscard.web", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = lang
    env.filters["refusal"] = lambda error: refusal_text(error, lang)
    env.filters["beijing"] = beijing
    env.filters["yuan"] = yuan
    return env


def yuan(fen: int | None) -> str:
    """An amount kept in fen as people read it, in yuan with two decimals ("12.00")."""
    if fen is None:
        return "—"
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{'-' if int(fen) < 0 else ''}{whole:,}.{cents:02d}"


def beijing(moment: datetime | None, seconds: bool = False) -> str:
    """A moment as Beijing time, the zone every counter works in ('' for none); stored
    moments are UTC."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def refusal_text(error: DomainError | dict[str, str] | str, lang: str) -> str:
    """A refusal in the page's language: a DomainError, a field error (reason_zh/reason_en)."""
    if isinstance(error, DomainError):
        return error.detail_en if lang == "en" else error.detail_zh
    if isinstance(error, dict):
        return error["reason_en"] if lang == "en" else error["reason_zh"]
    return error


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    """Render a template with the page's language, the signed-in staff member (or None), the
    form token and the navigation of their role."""
    from sscard.web.session import csrf_token, current_staff

    lang = i18n.language(request)
    staff = current_staff(request)
    page = environment(lang).get_template(template)
    html = page.render(
        request=request,
        staff=staff,
        csrf_token=csrf_token(request),
        nav=navigation.for_staff(staff),
        path=request.url.path,
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **(context or {}),
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = "no-store"  # pages hold personal data
    return response
