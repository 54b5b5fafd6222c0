"""The card centre's mailing desk for online applications (issue 13 item 3; SPEC APP-4, ISS-3):
produced cards to hand to EMS with their waybill numbers, and cards in the post whose delivery
or return EMS reports. The same use cases as the API (`applications.online`)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.applications import service as applications
from sscard.applications.lifecycle import ApplicationStatus, DeliveryMode
from sscard.applications.online import service as online
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError
from sscard.web import i18n
from sscard.web.i18n import N_
from sscard.web.pages.centre_common import ADMIN, city_choices, page_context
from sscard.web.pages.names import PlaceNames, place_names
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import form, form_values, run

router = page_router("/centre")
PAGE = 100
TABS = {
    "produced": N_("Produced, to hand to EMS"),
    "mailed": N_("In the post"),
}
DONE = {
    "mail": N_("Handed to EMS"),
    "delivered": N_("Delivered: collected on delivery"),
    "returned": N_("Brought back by EMS: held again"),
}


@router.get("/mailing")
async def mailing_desk(
    request: Request,
    status: str = Query("produced", max_length=16),
    city: str = Query("", pattern=r"^(32[0-9]{2})?$"),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    return await _desk(request, who, status if status in TABS else "produced", city, None)


async def _desk(
    request: Request, who: StaffSession, status: str, city: str, outcome: dict[str, Any] | None
) -> Response:
    f = applications.ListFilter(
        city_code=city or None,
        status=ApplicationStatus(status),
        delivery_mode=DeliveryMode.EMS,
        limit=PAGE,
    )

    async def load(ctx: Ctx) -> tuple[list[dict[str, Any]], int | None, PlaceNames]:
        items, cursor = await applications.list_applications(ctx, f)
        return items, cursor, await place_names(ctx, i18n.language(request))

    items, cursor, names = await run(request, who.actor, load)
    context = page_context(
        request,
        tabs=TABS,
        tab=status,
        city=city,
        cities=await city_choices(request, who),
        items=items,
        cursor=cursor,
        names=names,
        outcome=outcome,
        done_labels=DONE,
    )
    return render(request, "centre/mailing.html", context)


@router.post("/mailing")
async def record(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    """One application's step: mail it with a waybill, or record its delivery or return."""
    values = form_values(await form(request), "reference", "action", "tracking_number", "city")
    ref, action = values["reference"], values["action"]
    steps = {
        "mail": lambda ctx: online.send_by_courier(ctx, ref, values["tracking_number"]),
        "delivered": lambda ctx: online.confirm_delivery(ctx, ref),
        "returned": lambda ctx: online.return_undelivered(ctx, ref, None),
    }
    tab = "produced" if action in ("mail", "returned") else "mailed"
    outcome: dict[str, Any] = {"reference": ref, "action": action, "refusal": None}
    if action not in steps:
        return await _desk(request, who, "produced", values["city"], None)
    try:
        await run(request, who.actor, steps[action])
    except DomainError as refusal:
        outcome["refusal"] = refusal
        tab = "produced" if action == "mail" else "mailed"
    status = 200 if outcome["refusal"] is None else outcome["refusal"].status
    response = await _desk(request, who, tab, values["city"], outcome)
    response.status_code = status
    return response
