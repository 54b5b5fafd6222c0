"""The online hall's HR services page (issue 14 item 6; SPEC ECARD-5, SCN-1): the catalogue of
the HR services done with the card, the insurance certificate taken here and downloaded as a
PDF with its verification code, and the start of an unemployment registration.

The same use cases as the API (`/api/v1/me/hr-services`, `/api/v1/me/insurance-certificates`,
`/api/v1/me/unemployment-registrations`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from sscard.ecards.service import EcardNotUsable
from sscard.hr_services import service as hr
from sscard.hr_services.rules import REASON_ZH, UnemploymentReason
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, invalid
from sscard.web import forms, i18n
from sscard.web.documents import insurance_certificate
from sscard.web.i18n import N_
from sscard.web.pages.documents import pdf_response
from sscard.web.pages.hall import cardholder
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import form, form_values, run

router = page_router("/hall/services")
FIELDS = ("reason", "unemployed_since", "last_unit_code")
DONE = {
    "certificate": N_("Certificate issued: download it below."),
    "unemployment": N_("Unemployment registration submitted to the HR agency of your card's city."),
}


async def _page(
    request: Request,
    actor: Actor,
    *,
    done: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    _ = i18n.translator(request)
    english = i18n.language(request) == "en"

    async def everything(ctx: Ctx) -> dict[str, Any]:
        return {
            "catalogue": hr.catalogue(ctx),
            "certificates": await hr.my_certificates(ctx),
            "registrations": await hr.my_registrations(ctx),
        }

    found = await run(request, actor, everything)
    reasons = [(r.value, r.value if english else REASON_ZH[r]) for r in UnemploymentReason]
    context = found | {
        "acting": request.state.acting,
        "english": english,
        "reasons": reasons,
        "values": values or {"reason": UnemploymentReason.CONTRACT_ENDED.value},
        "errors": errors or {},
        "done": _(DONE[done]) if done in DONE else "",
    }
    return render(request, "hall/services.html", context, status=status)


@router.get("")
async def services_page(
    request: Request, done: str = "", actor: Actor = Depends(cardholder)
) -> Response:
    return await _page(request, actor, done=done)


@router.post("/certificates")
async def issue_certificate(request: Request, actor: Actor = Depends(cardholder)) -> Response:
    """An insurance certificate (ECARD-5); a card not usable (lost) is told why."""
    try:
        await run(request, actor, hr.issue_certificate)
    except EcardNotUsable as refused:
        errors = {"": refused.detail_en if i18n.language(request) == "en" else refused.detail_zh}
        return await _page(request, actor, errors=errors, status=refused.status)
    return redirect(request, "/hall/services?done=certificate")


@router.get("/certificates/{code}.pdf")
async def certificate_pdf(
    request: Request,
    code: str = Path(min_length=16, max_length=19, pattern=r"^[0-9A-Za-z-]+$"),
    actor: Actor = Depends(cardholder),
) -> Response:
    found = await run(request, actor, lambda ctx: hr.certificate(ctx, code))
    base = str(request.base_url).rstrip("/")
    content = await run_in_threadpool(insurance_certificate.render, found, base)
    return pdf_response(content, f"insurance-certificate-{found['code']}.pdf")


@router.post("/unemployment")
async def register_unemployment(request: Request, actor: Actor = Depends(cardholder)) -> Response:
    """Start an unemployment registration (ECARD-5); a refusal keeps the form, by field."""
    values = form_values(await form(request), *FIELDS)
    try:
        asked = _unemployment(values)
        await run(request, actor, lambda ctx: hr.register_unemployment(ctx, asked))
    except DomainError as refused:
        errors = forms.field_messages(request, refused)
        return await _page(request, actor, values=values, errors=errors, status=refused.status)
    return redirect(request, "/hall/services?done=unemployment")


def _unemployment(values: dict[str, str]) -> hr.Unemployment:
    try:
        reason = UnemploymentReason(values["reason"])
    except ValueError:
        raise invalid("reason", "请选择失业原因", "choose a reason") from None
    try:
        since = date.fromisoformat(values["unemployed_since"].strip())
    except ValueError:
        zh, en = "须为日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"
        raise invalid("unemployed_since", zh, en) from None
    return hr.Unemployment(reason, since, values["last_unit_code"].strip() or None)
