"""The card centre's production queue and its late work (issue 12, SPEC APP-7, ISS-1).

Waiting, started and finished applications of the administrator's city (the province's for a
province administrator: `list_applications` scopes them), started, finished or delivered one or
many at once. Each item of a batch is the API's own `advance` in its own transaction, so one
refused item leaves the others done, and each refusal is shown with its reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.applications import service as applications
from sscard.applications.lifecycle import LABEL_ZH, ApplicationEvent, ApplicationStatus
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError
from sscard.web import i18n
from sscard.web.i18n import N_
from sscard.web.pages.centre_common import ADMIN, city_choices, in_language, page_context
from sscard.web.pages.names import PlaceNames, place_names
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import form, run, takes_lists

router = page_router("/centre")
takes_lists("reference")
S, E = ApplicationStatus, ApplicationEvent
PAGE = 100


@dataclass(frozen=True)
class Stage:
    """A tab of the queue: the applications in one state, and the step that moves them on."""

    status: ApplicationStatus
    label: str
    event: ApplicationEvent
    action: str


STAGES = (
    Stage(S.ACCEPTED, N_("Waiting for production"), E.START_PRODUCTION, N_("Start production")),
    Stage(S.IN_PRODUCTION, N_("Being produced"), E.FINISH_PRODUCTION, N_("Finish production")),
    Stage(
        S.PRODUCED, N_("Produced, not yet delivered"), E.DELIVER_TO_OUTLET, N_("Deliver to outlet")
    ),
)
BY_STATUS = {s.status.value: s for s in STAGES}
BY_EVENT = {s.event.value: s for s in STAGES}


def status_label(request: Request, status: str) -> str:
    return in_language(request, LABEL_ZH.get(status), status.replace("_", " "))


@router.get("/production")
async def production_queue(
    request: Request,
    status: str = Query("accepted", max_length=32),
    city: str = Query("", pattern=r"^(32[0-9]{2})?$"),
    after: int = Query(0, ge=0),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    return await _queue(request, who, BY_STATUS.get(status, STAGES[0]), city, after, None)


async def _queue(
    request: Request,
    who: StaffSession,
    stage: Stage,
    city: str,
    after: int,
    outcome: dict[str, Any] | None,
) -> Response:
    f = applications.ListFilter(
        city_code=city or None, status=stage.status, after_id=after, limit=PAGE
    )

    async def load(ctx: Ctx) -> tuple[list[dict[str, Any]], int | None, PlaceNames]:
        items, cursor = await applications.list_applications(ctx, f)
        return items, cursor, await place_names(ctx, i18n.language(request))

    items, cursor, names = await run(request, who.actor, load)
    context = page_context(
        request,
        stages=STAGES,
        stage=stage,
        city=city,
        cities=await city_choices(request, who),
        items=items,
        cursor=cursor,
        names=names,
        outcome=outcome,
        status_label=lambda s: status_label(request, s),
    )
    return render(request, "centre/production.html", context)


@router.post("/production")
async def advance_many(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    """One step for every application ticked: each in its own transaction, each answered."""
    data = await form(request)
    stage = BY_EVENT.get(str(data.get("event") or ""))
    city = str(data.get("city") or "")
    if stage is None:
        return await _queue(request, who, STAGES[0], city, 0, None)
    # At most one page's worth: the form never offers more, and each is its own transaction.
    references = [str(r) for r in data.getlist("reference") if str(r).strip()][:PAGE]
    done: list[str] = []
    refused: list[tuple[str, DomainError]] = []
    for reference_number in references:
        try:
            await run(request, who.actor, _step(reference_number, stage.event))
            done.append(reference_number)
        except DomainError as refusal:
            refused.append((reference_number, refusal))
    outcome = {"done": done, "refused": refused, "stage": stage, "none": not references}
    return await _queue(request, who, stage, city, 0, outcome)


def _step(reference_number: str, event: ApplicationEvent) -> Callable[[Ctx], Awaitable[Any]]:
    return lambda ctx: applications.advance(ctx, reference_number, event)


@router.get("/late")
async def late_work(
    request: Request,
    city: str = Query("", pattern=r"^(32[0-9]{2})?$"),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    """Work past its due date, and work whose due date waits for a calendar year (APP-7)."""
    overdue = applications.ListFilter(city_code=city or None, overdue=True, limit=PAGE)
    unknown = applications.ListFilter(city_code=city or None, due_unknown=True, limit=PAGE)
    late, late_more = await run(
        request, who.actor, lambda ctx: applications.list_applications(ctx, overdue)
    )
    waiting, waiting_more = await run(
        request, who.actor, lambda ctx: applications.list_applications(ctx, unknown)
    )
    context = page_context(
        request,
        city=city,
        cities=await city_choices(request, who),
        late=late,
        late_more=late_more is not None,
        waiting=waiting,
        waiting_more=waiting_more is not None,
        status_label=lambda s: status_label(request, s),
        english=i18n.language(request) == "en",
    )
    return render(request, "centre/late.html", context)
