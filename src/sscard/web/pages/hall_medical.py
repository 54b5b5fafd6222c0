"""The online hall's medical page (issue 14 item 9; SPEC MED-1, MED-2): the signed-in person's
medical personal account (its balance and latest entries, apart from the bank account) and
cross-region medical filings (异地就医备案): filed here, ended here.

The same use cases as the API (`GET /api/v1/me/medical`, `POST /api/v1/me/medical/filings`,
`POST /api/v1/me/medical/filings/{id}/end`).
"""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.kernel.errors import DomainError
from sscard.medical import service as medical
from sscard.medical.rules import REASON_ZH, FilingReason
from sscard.platform.http.request import PathId
from sscard.web import forms, i18n
from sscard.web.i18n import N_
from sscard.web.pages.hall import cardholder
from sscard.web.pages.medical_forms import FIELDS, KINDS, filing_of, record_and_names
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import form, form_values, run

router = page_router("/hall/medical")
DONE = {"filed": N_("Filing recorded."), "ended": N_("Filing ended.")}


def _reasons(request: Request) -> list[tuple[str, str]]:
    english = i18n.language(request) == "en"
    return [(r.value, r.value if english else REASON_ZH[r]) for r in FilingReason]


async def _page(
    request: Request,
    actor: Actor,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    done: str = "",
    status: int = 200,
) -> Response:
    _ = i18n.translator(request)
    lang = i18n.language(request)
    record, names = await run(request, actor, lambda ctx: record_and_names(ctx, None, lang))
    context = {
        "record": record,
        "names": names,
        "acting": request.state.acting,
        "kinds": KINDS,
        "reasons": _reasons(request),
        "reason_label": dict(_reasons(request)),
        "values": values or {"reason": FilingReason.TEMPORARY.value},
        "errors": errors or {},
        "done": _(DONE[done]) if done in DONE else "",
    }
    return render(request, "hall/medical.html", context, status=status)


@router.get("")
async def medical_page(
    request: Request, done: str = "", actor: Actor = Depends(cardholder)
) -> Response:
    """The balance, its entries and the filings; the form to file."""
    return await _page(request, actor, done=done)


@router.post("/filings")
async def file_cross_region(request: Request, actor: Actor = Depends(cardholder)) -> Response:
    """File for treatment away from the insured city (MED-1); a refusal keeps the form."""
    values = form_values(await form(request), *FIELDS)
    try:
        filing = filing_of(values)
        await run(request, actor, lambda ctx: medical.file_cross_region(ctx, None, filing))
    except DomainError as refusal:
        errors = forms.field_messages(request, refusal)
        return await _page(request, actor, values=values, errors=errors, status=refusal.status)
    return redirect(request, "/hall/medical?done=filed")


@router.post("/filings/{filing_id}/end")
async def end_filing(
    filing_id: PathId, request: Request, actor: Actor = Depends(cardholder)
) -> Response:
    await run(request, actor, lambda ctx: medical.end_filing(ctx, None, filing_id))
    return redirect(request, "/hall/medical?done=ended")
