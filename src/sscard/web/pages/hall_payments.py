"""The benefit payments made to the holder, in the online hall (issue 15 item 9; SPEC PAY-1,
PAY-2, ISS-6): each payment with its payer, kind, period and amount, and where it stands —
paid into the card's account, sent to the bank, or held with what to do (activate the
financial function at the bank).

The same use case as the API (`GET /api/v1/me/payments`)."""

from __future__ import annotations

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.payments import service as payments
from sscard.payments.rules import KIND_LABELS, STATUS_LABELS, PaymentKind
from sscard.web import i18n
from sscard.web.pages.centre_common import beijing
from sscard.web.pages.citizen import plain
from sscard.web.pages.hall import cardholder
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import run

router = page_router("/hall/payments")
PAGE = 100


@router.get("")
async def payments_page(
    request: Request,
    before: int = Query(0, ge=0, description="the next page: payments older than this one"),
    actor: Actor = Depends(cardholder),
) -> Response:
    """The holder's payments, newest first, PAGE at a time (`before`: older than that payment)."""
    found = await run(request, actor, lambda ctx: payments.my_payments(ctx, PAGE, before or None))
    mine = [plain(p, "text_zh", "text_en") for p in found]
    english = i18n.language(request) == "en"
    pick = 1 if english else 0
    context = {
        "mine": mine,
        "older": mine[-1]["payment_id"] if len(mine) == PAGE else None,
        "paged": bool(before),
        "english": english,
        "kind_names": {k.value: KIND_LABELS[k][pick] for k in PaymentKind},
        "status_names": {s.value: STATUS_LABELS[s][pick] for s in STATUS_LABELS},
        "bj": beijing,
    }
    return render(request, "hall/payments.html", context)
