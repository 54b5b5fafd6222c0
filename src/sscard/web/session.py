"""The console's session cookie, its form token (CSRF) and the page dependencies.

The cookie holds a random session token (Secure, HttpOnly, SameSite=Strict); the database keeps
only its keyed index (actors.staff). Every form carries a token derived from the session by
HMAC-SM3 (OWASP's HMAC synchroniser token): it is the same on every page of one session, so
several forms and tabs work side by side, and worthless in another session. Before sign-in, a
random pre-session cookie plays the session's part (sign-in CSRF). A state-changing request
whose Origin names another site is refused before its token is looked at.
"""

from __future__ import annotations

import hmac
import secrets
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from sscard.actors.staff import service as staff_service
from sscard.actors.staff.service import StaffSession
from sscard.kernel.actor import Actor, Channel, Role
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, Forbidden, invalid
from sscard.kernel.runtime import Runtime
from sscard.kernel.text import unsafe_characters
from sscard.web import navigation

SESSION_COOKIE = "sscard_session"
HALL_COOKIE = "sscard_hall"  # a cardholder's online hall session (issue 13)
PRE_COOKIE = "sscard_pre"
CSRF_FIELD = "csrf_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Who acts while a session is only being looked up or opened: the sign-in itself, no one yet.
SIGN_IN = Actor(id=None, role=Role.AUDITOR, display_name="console sign-in", via=Channel.CENTRE)
T = TypeVar("T")


class Redirect(Exception):
    """Answer with a redirect (303 after a form, or HX-Redirect for htmx)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


class FormExpired(DomainError):
    code = "form_expired"
    status = 403
    rule = "GB/T 22239-2019 8.1.4.1"
    message_zh = "页面已过期或来源不明，请刷新后重试；未作任何更改"
    message_en = (
        "The page has expired or came from elsewhere; reload and retry. Nothing was changed"
    )


class NotYourDesk(Forbidden):
    code = "not_your_desk"
    message_zh = "您的角色不能使用此页面"
    message_en = "Your role does not open this page"


def runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def current_staff(request: Request) -> StaffSession | None:
    return getattr(request.state, "staff", None)


def _session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


def csrf_token(request: Request) -> str:
    """The form token of this visitor's session (or pre-session)."""
    basis = _session_token(request) or request.cookies.get(HALL_COOKIE)
    basis = basis or request.cookies.get(PRE_COOKIE)
    basis = basis or getattr(request.state, "pre", None)
    if basis is None:
        basis = request.state.pre = secrets.token_urlsafe(24)
    return runtime(request).vault.index(f"form:{basis}")[:40]


def ensure_pre_session(request: Request, response: Response) -> None:
    """Keep the pre-session cookie the sign-in form's token was made from."""
    pre = getattr(request.state, "pre", None)
    if pre is not None and request.cookies.get(PRE_COOKIE) is None:
        set_cookie(response, PRE_COOKIE, pre)


def set_cookie(response: Response, name: str, value: str) -> None:
    response.set_cookie(name, value, httponly=True, secure=True, samesite="strict", path="/")


# Fields a form may give more than once (boxes ticked in a list), named by the pages that read
# them with getlist; any other field given twice is refused.
LIST_FIELDS: set[str] = set()


def takes_lists(*names: str) -> None:
    """Declare form fields that carry a list (called by a page module when it is imported)."""
    LIST_FIELDS.update(names)


class FormUnreadable(DomainError):
    code = "form_unreadable"
    status = 400
    message_zh = "表单无法读取（{reason}），请重新打开页面后提交"
    message_en = "The form cannot be read ({reason}); open the page again and send it"


async def form(request: Request) -> FormData:
    """The request's form, read once and kept (the CSRF check and the page both read it).

    A body that is not a readable form (a broken multipart body, too many fields or files) is
    refused as FormUnreadable (400). A field given twice (unless it is one of LIST_FIELDS), or
    holding a control, zero-width, bidirectional or unassigned character, is refused by name
    before any use case sees it — the rules the API applies to every body (issue 11)."""
    cached: FormData | None = getattr(request.state, "form", None)
    if cached is None:
        try:
            cached = await request.form()
        except (HTTPException, MultiPartException) as broken:
            reason = getattr(broken, "detail", None) or getattr(broken, "message", "")
            raise FormUnreadable(reason=str(reason)[:120]) from None
        given = Counter(name for name, _ in cached.multi_items())
        twice = sorted({n for n, times in given.items() if times > 1} - LIST_FIELDS)
        if twice:
            raise invalid(twice[0], "同一字段提交了多次", "was given more than once")
        for name, value in cached.multi_items():
            bad = unsafe_characters(name + value) if isinstance(value, str) else []
            if bad:
                raise invalid(
                    name,
                    f"含有不允许的字符：{', '.join(bad)}",
                    f"contains characters no field may hold: {', '.join(bad)}",
                )
        request.state.form = cached
    return cached


async def check_form_token(request: Request) -> None:
    """Refuse a state-changing request from another origin or without this session's token."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise FormExpired(field="Origin")
    given = (await form(request)).get(CSRF_FIELD)
    if not isinstance(given, str) or not hmac.compare_digest(given, csrf_token(request)):
        raise FormExpired(field=CSRF_FIELD)


async def run(request: Request, actor: Actor, use_case: Callable[[Ctx], Awaitable[T]]) -> T:
    """A use case in one transaction as `actor` (a page's only way to the data)."""
    async with runtime(request).unit(actor) as ctx:
        return await use_case(ctx)


async def read(request: Request, actor: Actor, use_case: Callable[[Ctx], Awaitable[T]]) -> T:
    """A use case that only reads, as `actor`: on PostgreSQL through the read pool (no
    transaction to begin and commit); it must write nothing (no full record: a read of one is
    logged, which is a write)."""
    async with runtime(request).unit(actor, readonly=True) as ctx:
        return await use_case(ctx)


@asynccontextmanager
async def unit(request: Request, actor: Actor) -> AsyncIterator[Ctx]:
    """A unit of work as `actor`, for a page that makes several calls in one transaction."""
    async with runtime(request).unit(actor) as ctx:
        yield ctx


async def _resolve(request: Request) -> StaffSession:
    """The cookie's session, read through the read pool; only when it must end or be touched
    (once a minute) in a writing transaction."""
    token = _session_token(request)
    check = await read(request, SIGN_IN, lambda ctx: staff_service.check_session(ctx, token))
    found = check.current
    if check.needs_write:
        found = await run(request, SIGN_IN, lambda ctx: staff_service.session(ctx, token))
    request.state.staff = found
    return found


async def pending(request: Request) -> StaffSession:
    """Dependency of the sign-in steps: a session past the password, perhaps not the code."""
    found = await _resolve(request)
    if request.method in UNSAFE:
        await check_form_token(request)
    return found


async def signed_in(request: Request) -> StaffSession:
    """Dependency of every console page: a session with both factors given and a password of
    the person's own; a state-changing request also needs the form token."""
    found = await _resolve(request)
    if found.stage != "signed_in":
        raise Redirect("/signin/code")
    if found.must_change_password and request.url.path != "/account/password":
        raise Redirect("/account/password")
    if request.method in UNSAFE:
        await check_form_token(request)
    return found


def of_role(*roles: Role) -> Callable[[Request], Awaitable[StaffSession]]:
    """Dependency: a signed-in staff member whose role is one of `roles` (others get 403; the
    use cases check the operation again, SPEC CH-1)."""
    allowed = frozenset(roles)

    async def dependency(request: Request) -> StaffSession:
        found = await signed_in(request)
        if found.actor.role not in allowed:
            raise NotYourDesk()
        return found

    return dependency


def at_desk(path: str) -> Callable[[Request], Awaitable[StaffSession]]:
    """Dependency: a signed-in staff member whose desks (navigation.desks_of: role, and for a
    clerk the outlet's kind) include the desk at `path`; others get 403 not_your_desk."""

    async def dependency(request: Request) -> StaffSession:
        found = await signed_in(request)
        if path not in {d.path for d in navigation.desks_of(found)}:
            raise NotYourDesk()
        return found

    return dependency


def hx(request: Request) -> bool:
    """Whether htmx asked (a fragment answers), or a plain browser (a whole page answers)."""
    return request.headers.get("hx-request") == "true"


def form_values(data: FormData, *names: str) -> dict[str, Any]:
    """Text fields of a form by name ('' when absent); files are read apart."""
    return {n: str(data.get(n) or "") for n in names}
