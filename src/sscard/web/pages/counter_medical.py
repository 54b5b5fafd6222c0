"""A person's medical account and cross-region filings at the counter (issue 14 item 9; SPEC
MED-1, MED-2): the clerk, the holder's document presented, reads the personal account and
files for treatment elsewhere or ends a filing for them.

The same use cases as the API (`GET /api/v1/persons/{id}/medical`, `POST
/api/v1/medical-filings`)."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.kernel.errors import DomainError
from sscard.medical import service as medical
from sscard.medical.rules import REASON_ZH, FilingReason
from sscard.platform.http.request import PathId
from sscard.web import forms, i18n
from sscard.web.i18n import N_
from sscard.web.pages.counter import hr_clerk
from sscard.web.pages.medical_forms import FIELDS, KINDS, filing_of, record_and_names
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import form, form_values, run

router = page_router("/counter/persons")
DONE = {"filed": N_("Filing recorded."), "ended": N_("Filing ended.")}


async def _page(
    request: Request,
    who: StaffSession,
    person_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    done: str = "",
    status: int = 200,
) -> Response:
    _ = i18n.translator(request)
    lang = i18n.language(request)
    english = lang == "en"
    record, names = await run(
        request, who.actor, lambda ctx: record_and_names(ctx, person_id, lang)
    )
    reasons = [(r.value, r.value if english else REASON_ZH[r]) for r in FilingReason]
    context = {
        "person_id": person_id,
        "record": record,
        "names": names,
        "kinds": KINDS,
        "reasons": reasons,
        "reason_label": dict(reasons),
        "values": values or {"reason": FilingReason.TEMPORARY.value},
        "errors": errors or {},
        "done": _(DONE[done]) if done in DONE else "",
    }
    return render(request, "counter/medical.html", context, status=status)


@router.get("/{person_id}/medical")
async def medical_page(
    request: Request, person_id: PathId, done: str = "", who: StaffSession = Depends(hr_clerk)
) -> Response:
    return await _page(request, who, person_id, done=done)


@router.post("/{person_id}/medical/filings")
async def file_for(
    request: Request, person_id: PathId, who: StaffSession = Depends(hr_clerk)
) -> Response:
    values = form_values(await form(request), *FIELDS)
    try:
        filing = filing_of(values)
        await run(request, who.actor,
                  lambda ctx: medical.file_cross_region(ctx, person_id, filing))  # fmt: skip
    except DomainError as refused:
        errors = forms.field_messages(request, refused)
        return await _page(request, who, person_id, values=values, errors=errors,
                           status=refused.status)  # fmt: skip
    return redirect(request, f"/counter/persons/{person_id}/medical?done=filed")


@router.post("/{person_id}/medical/filings/{filing_id}/end")
async def end_for(
    request: Request, person_id: PathId, filing_id: PathId, who: StaffSession = Depends(hr_clerk)
) -> Response:
    await form(request)
    await run(request, who.actor, lambda ctx: medical.end_filing(ctx, person_id, filing_id))
    return redirect(request, f"/counter/persons/{person_id}/medical?done=ended")
