"""The cardholder's online hall in the browser (issue 13 items 1 and 2): real-name sign-in,
the holder's own record, a formal loss online and its unlock.

The same use cases as the API (`actors.online` for the sign-in, `applications.online` for the
record, `cards.loss` for loss and unlock); the session is the API's session, kept in an
HttpOnly, Secure, SameSite=Strict cookie; every form carries the form token.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.actors.family.rules import ActingForEnded
from sscard.actors.online import service as sign_ins
from sscard.actors.online.rules import NOTICE_EN, NOTICE_ZH, CodeRefused, OnlineSessionEnded
from sscard.actors.online.schemas import CodeRequestIn, SignInIn
from sscard.actors.online.service import VISITOR
from sscard.applications.online import service as online
from sscard.cards import service as cards
from sscard.cards.lifecycle import CardEvent, HrStatus, transition
from sscard.cards.loss import service as loss
from sscard.kernel.actor import Actor, Channel
from sscard.kernel.errors import DomainError
from sscard.platform.http.request import client_address
from sscard.platform.notify import templates
from sscard.web import forms, i18n
from sscard.web.i18n import N_
from sscard.web.pages import counter_labels as labels
from sscard.web.pages.audit import audit_labels
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import (
    HALL_COOKIE,
    UNSAFE,
    Redirect,
    check_form_token,
    ensure_pre_session,
    form,
    form_values,
    run,
    runtime,
    set_cookie,
)

router = page_router("/hall")
DONE = {
    "formal_loss": N_("Your card is formally reported lost (its social security function)."),
    "unlock": N_("Your card is unlocked."),
    # Family binding (ECARD-4): the session switched to a dependant, back, or dropped.
    "acting": N_(
        "You now act for your family member: what you do here is recorded as done by you for them."
    ),
    "self": N_("You are back to your own record."),
    "acting_ended": N_("The family binding has ended or expired; you are back to your own record."),
    "applied": N_("Your application is sent. Its progress and due date are below."),
}


async def cardholder(request: Request) -> Actor:
    """Dependency of the hall's own pages: the cookie's live session (else the sign-in page);
    a state-changing request also needs the form token."""
    token = request.cookies.get(HALL_COOKIE)
    if not token:
        raise Redirect("/hall")
    try:
        actor, request.state.acting = await sign_ins.session_acting(runtime(request), token)
    except OnlineSessionEnded:
        raise Redirect("/hall") from None
    except ActingForEnded:  # ECARD-4: back to the relative's own record, told why
        raise Redirect("/hall/me?done=acting_ended") from None
    if request.method in UNSAFE:
        await check_form_token(request)
    return actor


@router.get("")
async def sign_in_page(request: Request) -> Response:
    response = render(request, "hall/signin.html", {"values": {}, "errors": {}})
    ensure_pre_session(request, response)
    return response


@router.post("/code")
async def ask_for_code(request: Request) -> Response:
    """Step 1: the number and the name; the code page follows whoever they named."""
    await check_form_token(request)
    values = form_values(await form(request), "social_security_number", "name")
    try:
        given = forms.parse(CodeRequestIn, values)
    except DomainError as refusal:
        context = {"values": values, "errors": forms.field_messages(request, refusal)}
        return render(request, "hall/signin.html", context, status=refusal.status)
    started = time.monotonic()
    found = await run(
        request,
        VISITOR,
        lambda ctx: sign_ins.request_code(
            ctx, given.social_security_number, given.name, client=client_address(request)
        ),
    )
    await sign_ins.evenly(started)
    notice = NOTICE_EN if i18n.language(request) == "en" else NOTICE_ZH
    step2: dict[str, Any] = {"challenge": found.token, "notice": notice, "refusal": None}
    return render(request, "hall/code.html", step2, status=202)


@router.post("/sign-in")
async def give_code(request: Request) -> Response:
    """Step 2: the code; a session cookie and the holder's own page."""
    await check_form_token(request)
    values = form_values(await form(request), "challenge", "code")
    try:
        given = forms.parse(SignInIn, values)
    except DomainError as refusal:
        again: dict[str, Any] = {"challenge": values["challenge"], "notice": "", "refusal": refusal}
        return render(request, "hall/code.html", again, status=refusal.status)
    outcome = await run(
        request,
        VISITOR,
        lambda ctx: sign_ins.sign_in(
            ctx, given.challenge, given.code, client=client_address(request)
        ),
    )
    if isinstance(outcome, CodeRefused):
        wrong: dict[str, Any] = {"challenge": given.challenge, "notice": "", "refusal": outcome}
        return render(request, "hall/code.html", wrong, status=outcome.status)
    response = redirect(request, "/hall/me")
    set_cookie(response, HALL_COOKIE, outcome.token)
    return response


@router.get("/me")
async def my_page(request: Request, done: str = "", actor: Actor = Depends(cardholder)) -> Response:
    mine = await run(request, actor, online.my_record)
    names = await run(request, actor, lambda ctx: place_names(ctx, i18n.language(request)))
    _ = i18n.translator(request)
    english = i18n.language(request) == "en"
    messages = [
        (templates.render(m["template"], m["params"])[1 if english else 0], m["created_at"])
        for m in mine["messages"]
    ]
    context: dict[str, Any] = {
        "mine": mine,
        "names": names,
        "offered": {c["card_number"]: _offered(c["hr_status"]) for c in mine["cards"]},
        "messages": messages,
        "done": _(DONE[done]) if done in DONE else "",
        "acting": request.state.acting,  # the family binding acted under (ECARD-4), or None
        "hr_states": labels.HR_STATES,
        "app_states": labels.APPLICATION_STATES,
    }
    return render(request, "hall/me.html", context)


def _offered(hr_status: str) -> set[str]:
    """What the hall offers for a card in this state: the lifecycle table's own online moves
    (LOSS-2/3, REP-1 after a formal loss), so no rule is written in the template."""
    offered = set()
    for event in (CardEvent.REPORT_FORMAL_LOSS, CardEvent.UNLOCK, CardEvent.APPLY_REPLACEMENT):
        try:
            transition(HrStatus(hr_status), event, Channel.ONLINE)
        except (DomainError, ValueError):
            continue
        offered.add(event.value)
    return offered


@router.get("/cards/{card_number}/history")
async def card_history(
    card_number: str, request: Request, actor: Actor = Depends(cardholder)
) -> Response:
    """Every recorded change to one of the holder's own cards (SPEC CH-2): when, what, the
    state before and after, and through which channel (no staff or outlet ids)."""
    rows = await run(request, actor, lambda ctx: cards.history_of(ctx, card_number))
    context = {**audit_labels(request), "rows": rows, "card_number": card_number.upper()}
    return render(request, "hall/history.html", context)


@router.post("/cards/{card_number}/formal-loss")
async def report_formal_loss(
    card_number: str, request: Request, actor: Actor = Depends(cardholder)
) -> Response:
    """LOSS-2 online: the hr function only; an SMS reminds the holder of the bank."""
    await run(request, actor, lambda ctx: loss.report_formal_loss(ctx, card_number, None))
    return redirect(request, "/hall/me?done=formal_loss")


@router.post("/cards/{card_number}/unlock")
async def unlock(
    card_number: str, request: Request, actor: Actor = Depends(cardholder)
) -> Response:
    await run(request, actor, lambda ctx: loss.unlock(ctx, card_number, None))
    return redirect(request, "/hall/me?done=unlock")


@router.post("/sign-out")
async def sign_out(request: Request, actor: Actor = Depends(cardholder)) -> Response:
    token = request.cookies.get(HALL_COOKIE) or ""
    await run(request, actor, lambda ctx: sign_ins.sign_out(ctx, token))
    response = redirect(request, "/hall")
    response.delete_cookie(HALL_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response
