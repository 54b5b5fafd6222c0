"""The printed documents of the counter, as PDFs (issue 12 item 3).

Thin like the API's routes: the contexts' read use cases, then a drawing in `web.documents`
(off the event loop: drawing a page is CPU work). A record the actor may not see is refused
exactly as the API refuses it (the refusal page, 404 for one that is not theirs). Personal
data on the forms is masked (SPEC ID-6); a temporary medical card is read on the person's
ground and logged like the API's read of it.
"""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.applications import service as applications
from sscard.applications.temporary_medical import service as temporary_medical
from sscard.cards.cancellation import notice as closure_notice
from sscard.cards.cancellation import service as cancellation
from sscard.kernel.actor import Role
from sscard.registry.reference import service as reference_data
from sscard.registry.reference.entities import Bank, City
from sscard.web.documents import receipt as receipt_form
from sscard.web.documents import temporary_medical as temporary_form
from sscard.web.route import page_router
from sscard.web.session import of_role, unit

router = page_router()
PDF = "application/pdf"
clerk = of_role(Role.OUTLET_CLERK)
# The API lets an outlet of the card's city and that city's centre print the notice (CAN-3).
notice_readers = of_role(Role.OUTLET_CLERK, Role.CENTRE_ADMIN)


def pdf_response(content: bytes, filename: str) -> Response:
    """A form to open in the browser's viewer and print; never kept by a cache (it names a
    person, if masked)."""
    return Response(
        content,
        media_type=PDF,
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'inline; filename="{filename}"',
        },
    )


@router.get("/counter/applications/{reference}/receipt.pdf")
async def application_receipt(
    reference: str, request: Request, who: StaffSession = Depends(clerk)
) -> Response:
    """The application receipt (回执单, SPEC ISS-3, APP-7) of an application of this outlet."""
    async with unit(request, who.actor) as ctx:
        application = await applications.view(ctx, reference)
        # A clerk sees only their outlet's applications: one taken at a counter.
        outlet = await reference_data.outlet(ctx, application["outlet_code"])
        bank = _bank(await reference_data.banks(ctx), application["bank_code"])
    form = receipt_form.from_view(application, outlet, bank)
    content = await run_in_threadpool(receipt_form.render, form)
    return pdf_response(content, f"receipt-{form.reference}.pdf")


@router.get("/counter/cards/{card_number}/closure-notice.pdf")
async def closure_notice_pdf(
    card_number: str, request: Request, who: StaffSession = Depends(notice_readers)
) -> Response:
    """The financial-account closure notice (金融销户通知书, SPEC CAN-3) of a cancelled card:
    the cancellation context's own form, the same the API prints."""
    async with unit(request, who.actor) as ctx:
        notice = await cancellation.notice_of_card(ctx, card_number)
    content = await run_in_threadpool(closure_notice.render, notice)
    return pdf_response(content, f"closure-notice-{notice.reference}.pdf")


@router.get("/counter/temporary-medical/{number}.pdf")
async def temporary_medical_card(
    number: str, request: Request, who: StaffSession = Depends(clerk)
) -> Response:
    """A temporary medical card (临时医保卡, SPEC REP-1) by the number its issue answered."""
    async with unit(request, who.actor) as ctx:
        card = await temporary_medical.card_of_number(ctx, number)
        outlet = await reference_data.outlet(ctx, card["outlet_code"])
        city = _city(await reference_data.cities(ctx), card["city_code"])
    form = temporary_form.from_view(card, outlet, city)
    content = await run_in_threadpool(temporary_form.render, form)
    return pdf_response(content, f"temporary-medical-{form.number}.pdf")


def _bank(banks: list[Bank], code: str) -> Bank:
    return next(b for b in banks if b.code == code)


def _city(cities: list[City], code: str) -> City:
    return next(c for c in cities if c.code == code)
