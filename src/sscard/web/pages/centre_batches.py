"""The card centre's queue of unit batches (issue 13 item 8; SPEC APP-3, APP-5, ISS-1): each
batch with work left for the centre, and a whole batch started, finished or delivered at once
(units.production: one statement for starting and delivering, members whose photo the unit
still owes left out and counted).
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.kernel.errors import DomainError
from sscard.units.production import service as production
from sscard.web import i18n
from sscard.web.i18n import N_
from sscard.web.pages.centre_common import ADMIN, city_choices, page_context
from sscard.web.pages.unit_batches import STATUS_COLUMNS
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import form, read, run

router = page_router("/centre")
PAGE = 50
STEPS = {
    "start-production": (production.start_production, N_("Start production for the batch")),
    "finish-production": (production.finish_production, N_("Finish production for the batch")),
    "deliver-to-outlet": (production.deliver_to_outlet, N_("Deliver the batch to its outlet")),
}


@router.get("/batches")
async def batch_queue(
    request: Request,
    city: str = Query("", pattern=r"^(32[0-9]{2})?$"),
    every: bool = Query(False),
    after: int = Query(0, ge=0),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    """The batches with cards still to start, finish or deliver (`every`: all batches)."""
    return await _queue(request, who, city, every, after, None)


async def _queue(
    request: Request,
    who: StaffSession,
    city: str,
    every: bool,
    after: int,
    outcome: dict[str, Any] | None,
    status: int = 200,
) -> Response:
    f = production.BatchFilter(city or None, not every, after, PAGE)
    batches, cursor = await read(request, who.actor, lambda ctx: production.list_batches(ctx, f))
    context = page_context(
        request,
        batches=batches,
        cursor=cursor,
        city=city,
        every=every,
        cities=await city_choices(request, who),
        columns=STATUS_COLUMNS,
        steps=STEPS,
        outcome=outcome,
    )
    return render(request, "centre/batches.html", context, status=status)


@router.post("/batches")
async def batch_step(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    """One step (`step`) for the whole batch (`batch`), in one transaction; the refusal or what
    it did is shown."""
    data = await form(request)
    batch_reference = str(data.get("batch") or "")
    found = STEPS.get(str(data.get("step") or ""))
    _ = i18n.translator(request)
    if found is None:
        return await _queue(request, who, "", False, 0, None, status=404)
    use_case, label = found
    try:
        done = await run(request, who.actor, lambda ctx: use_case(ctx, batch_reference))
    except DomainError as refusal:
        outcome = {
            "reference": batch_reference,
            "action": _(label),
            "refusal": refusal,
            "done": None,
        }
        return await _queue(request, who, "", False, 0, outcome, status=refusal.status)
    outcome = {"reference": batch_reference, "action": _(label), "refusal": None, "done": done}
    return await _queue(request, who, "", False, 0, outcome)
