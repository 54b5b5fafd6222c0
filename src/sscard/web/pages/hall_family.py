"""The online hall's family page (亲情服务, SPEC ECARD-4; issue 13 item 1): the signed-in person's
family bindings, the switch to act for a bound child or elderly person and back, and ending a
binding (the relative gives it up; an elderly person ends theirs).

The same use cases as the API: `actors.family` for the bindings, `actors.online.act_for` for the
session's switch (`POST /api/v1/online/acting-for`). Whom the session acts for is re-checked on
every request by the hall's own dependency (`hall.cardholder`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.actors.family import service as family
from sscard.actors.online import service as sign_ins
from sscard.kernel.actor import Actor
from sscard.platform.http.request import PathId
from sscard.web import i18n
from sscard.web.i18n import N_
from sscard.web.pages.hall import cardholder
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import HALL_COOKIE, run

router = page_router("/hall/family")
DONE = {"ended": N_("The family binding is ended.")}
STATUSES = {
    "active": N_("Binding in force"),
    "expired": N_("Expired (the child turned 16)"),
    "ended": N_("Ended"),
}


@router.get("")
async def family_page(
    request: Request, done: str = "", actor: Actor = Depends(cardholder)
) -> Response:
    """The bindings in which the signed-in person is the relative (act for, give up) or the
    dependant (an elderly person may end theirs)."""
    mine = await run(request, actor, lambda ctx: family.bindings(ctx, None))
    me = mine["person_id"]
    _ = i18n.translator(request)
    acting = request.state.acting
    context: dict[str, Any] = {
        "as_relative": [b for b in mine["items"] if b["relative"]["person_id"] == me],
        "as_dependant": [b for b in mine["items"] if b["dependant"]["person_id"] == me],
        "acting_id": acting["id"] if acting else None,
        "acting": acting,
        "statuses": STATUSES,
        "english": i18n.language(request) == "en",
        "done": _(DONE[done]) if done in DONE else "",
    }
    return render(request, "hall/family.html", context)


@router.post("/{binding_id}/act")
async def act_for(
    binding_id: PathId, request: Request, actor: Actor = Depends(cardholder)
) -> Response:
    """Switch this session to act for the binding's dependant (ECARD-4)."""
    token = request.cookies.get(HALL_COOKIE) or ""
    await run(request, actor, lambda ctx: sign_ins.act_for(ctx, token, binding_id))
    return redirect(request, "/hall/me?done=acting")


@router.post("/self")
async def back_to_self(request: Request, actor: Actor = Depends(cardholder)) -> Response:
    """Switch this session back to the signed-in person's own record."""
    token = request.cookies.get(HALL_COOKIE) or ""
    await run(request, actor, lambda ctx: sign_ins.act_for(ctx, token, None))
    return redirect(request, "/hall/me?done=self")


@router.post("/{binding_id}/end")
async def end_binding(
    binding_id: PathId, request: Request, actor: Actor = Depends(cardholder)
) -> Response:
    """End a binding: the relative gives it up, or an elderly dependant ends it (ECARD-4)."""
    await run(request, actor, lambda ctx: family.end_binding(ctx, binding_id))
    return redirect(request, "/hall/family?done=ended")
