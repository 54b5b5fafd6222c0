"""Collection by the unit at the HR outlet counter (issue 13 item 7; SPEC ISS-3, ISS-4, APP-3):
the batches that collect here, their cards handed to the unit's named agent (document checked)
or sent by logistics, the distribution list (单位发放明细表) printed as a PDF, and the signed list
recorded card by card when the agent brings it back.

Thin: the use cases of units.collection and units.production, as the API's routes call them.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.kernel.errors import DomainError
from sscard.units.collection import service as collection
from sscard.units.collection.rules import Outcome
from sscard.units.collection.schemas import HandToAgentIn, SendByLogisticsIn
from sscard.units.production import service as production
from sscard.web import forms, i18n
from sscard.web.documents import distribution_list as distribution_form
from sscard.web.pages import counter_labels as labels
from sscard.web.pages.centre_common import beijing
from sscard.web.pages.counter import hr_clerk
from sscard.web.pages.documents import pdf_response
from sscard.web.pages.unit_batches import STATUS_COLUMNS
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import form, form_values, read, run

router = page_router("/counter/unit-collection")
BASE = "/counter/unit-collection"


@router.get("")
async def batches_here(request: Request, who: StaffSession = Depends(hr_clerk)) -> Response:
    """The unit batches that collect at this outlet, newest last, with their cards' progress."""
    f = production.BatchFilter(limit=200)
    batches, _ = await read(request, who.actor, lambda ctx: production.list_batches(ctx, f))
    context = {"batches": batches, "columns": STATUS_COLUMNS}
    return render(request, "counter/unit_collection.html", context)


@router.get("/batches/{reference}")
async def batch_page(
    request: Request, reference: str, who: StaffSession = Depends(hr_clerk)
) -> Response:
    return await _batch(request, who, reference, {}, {}, None)


async def _batch(
    request: Request,
    who: StaffSession,
    reference: str,
    values: dict[str, str],
    errors: dict[str, str],
    refusal: DomainError | None,
) -> Response:
    async def load(ctx: Any) -> tuple[Any, Any]:
        batch = await production.batch_progress(ctx, reference)
        return batch, await collection.handovers_of_batch(ctx, reference)

    batch, handovers = await read(request, who.actor, load)
    context = {
        "batch": batch,
        "handovers": handovers,
        "columns": STATUS_COLUMNS,
        "documents": labels.document_choices(i18n.language(request)),
        "values": values,
        "errors": errors,
        "refusal": refusal,
        "bj": beijing,
    }
    status = refusal.status if refusal else 200
    return render(request, "counter/unit_collection_batch.html", context, status=status)


@router.post("/batches/{reference}/handovers")
async def hand_over(
    request: Request, reference: str, who: StaffSession = Depends(hr_clerk)
) -> Response:
    """Hand the cards waiting here to the agent (`mode` unit_agent, the agent's document) or
    send them by logistics (`mode` logistics, carrier and waybill)."""
    data = await form(request)
    values = form_values(data, "mode", "type", "number", "carrier", "waybill")
    try:
        if values["mode"] == "logistics":
            body = forms.parse(SendByLogisticsIn, values)
            logistics = body.domain()
            done = await run(
                request,
                who.actor,
                lambda ctx: collection.send_by_logistics(ctx, reference, logistics),
            )
        else:
            document_values = {"type": values["type"], "number": values["number"]}
            agent = forms.parse(HandToAgentIn, {"mode": "unit_agent", "document": document_values})
            document = agent.document.domain()
            done = await run(
                request, who.actor, lambda ctx: collection.hand_to_agent(ctx, reference, document)
            )
    except DomainError as refusal:
        errors = forms.field_messages(request, refusal)
        return await _batch(request, who, reference, values, errors, refusal)
    return redirect(request, f"{BASE}/handovers/{done['reference']}?done=handed")


@router.get("/handovers/{reference}")
async def handover_page(
    request: Request, reference: str, done: str = "", who: StaffSession = Depends(hr_clerk)
) -> Response:
    return await _handover(request, who, reference, None, done)


async def _handover(
    request: Request,
    who: StaffSession,
    reference: str,
    refusal: DomainError | None,
    done: str = "",
) -> Response:
    found = await read(request, who.actor, lambda ctx: collection.handover(ctx, reference))
    _ = i18n.translator(request)
    notices = {
        "handed": _("The cards are with the unit. Print the distribution list for the agent."),
        "delivered": _("The delivery is recorded."),
        "returned": _("The signed list is recorded."),
    }
    context = {
        "handover": found,
        "refusal": refusal,
        "done": notices.get(done, ""),
        "bj": beijing,
        "outcomes": [o.value for o in Outcome],
    }
    status = refusal.status if refusal else 200
    return render(request, "counter/unit_collection_handover.html", context, status=status)


@router.post("/handovers/{reference}/delivery")
async def record_delivery(
    request: Request, reference: str, who: StaffSession = Depends(hr_clerk)
) -> Response:
    try:
        await run(request, who.actor, lambda ctx: collection.record_delivery(ctx, reference))
    except DomainError as refusal:
        return await _handover(request, who, reference, refusal)
    return redirect(request, f"{BASE}/handovers/{reference}?done=delivered")


@router.post("/handovers/{reference}/return")
async def record_return(
    request: Request, reference: str, who: StaffSession = Depends(hr_clerk)
) -> Response:
    """The signed list: for each card a choice of handed out, returned, or not yet known
    (`outcome-<card number>`); the cards chosen are recorded in one transaction."""
    data = await form(request)
    given: list[tuple[str, Outcome]] = []
    for name, value in data.multi_items():
        if name.startswith("outcome-") and isinstance(value, str) and value:
            if value not in {o.value for o in Outcome}:
                continue
            given.append((name.removeprefix("outcome-"), Outcome(value)))
    try:
        await run(request, who.actor, lambda ctx: collection.record_return(ctx, reference, given))
    except DomainError as refusal:
        return await _handover(request, who, reference, refusal)
    return redirect(request, f"{BASE}/handovers/{reference}?done=returned")


@router.get("/handovers/{reference}/distribution-list.pdf")
async def distribution_list(
    request: Request, reference: str, who: StaffSession = Depends(hr_clerk)
) -> Response:
    """The distribution list (单位发放明细表, ISS-3) to print and have signed."""
    found = await read(request, who.actor, lambda ctx: collection.distribution_list(ctx, reference))
    content = await run_in_threadpool(distribution_form.render, found)
    return pdf_response(content, f"distribution-list-{found.reference}.pdf")
