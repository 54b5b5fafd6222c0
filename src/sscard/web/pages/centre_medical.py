"""The medical personal accounts at the card centre (issue 14 item 9; SPEC MED-2): what the
fund credited and what designated institutions debited over the last 30 days, by kind, the
fund's newest credits, and one credit looked up by the fund's reference, for the province's
reconciliation with the fund. No account or person on the page.

The same use cases as the API (`GET /api/v1/medical-ledger`, `/medical-credits/{reference}`)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.kernel.errors import DomainError
from sscard.medical import service as medical
from sscard.web.i18n import N_
from sscard.web.pages.centre_common import ADMIN, errors_of, page_context
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import run

router = page_router("/centre")
KINDS = {
    "credit": N_("Credited by the fund"),
    "settlement": N_("Paid at designated institutions"),
    "refund": N_("Refunded by institutions"),
    "moved_in": N_("Moved in from an older card"),
    "moved_out": N_("Moved out to the newer card"),
}


@router.get("/medical")
async def medical_page(
    request: Request,
    reference: str = Query("", max_length=64),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    found = await run(request, who.actor, lambda ctx: medical.ledger_overview(ctx, 30))
    looked: dict[str, Any] | None = None
    errors: dict[str, str] = {}
    status = 200
    if reference.strip():
        ref = reference.strip()
        try:
            looked = await run(request, who.actor, lambda ctx: medical.fund_credit(ctx, ref))
        except DomainError as refusal:
            errors, status = errors_of(request, refusal), refusal.status
    context = page_context(request, found=found, kinds=KINDS, looked=looked, errors=errors,
                           values={"reference": reference})  # fmt: skip
    return render(request, "centre/medical.html", context, status=status)
