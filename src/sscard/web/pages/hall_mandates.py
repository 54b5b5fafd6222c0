"""Collections by mandate in the online hall (issue 15 item 10; SPEC PAY-1): the holder's
mandates with a way to revoke each, a form to sign one with a registered payee (the account
there and the most that may be debited for one bill month, all its debits together), and what
payees took or asked to take.

The same use cases as the API (`/api/v1/me/mandates`, `/api/v1/me/debits`, `/api/v1/payees`)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Path, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.kernel.errors import DomainError
from sscard.payments.collections import service as collections
from sscard.payments.collections.rules import DEBIT_LABELS, KIND_LABELS, MAX_DEBIT_FEN
from sscard.web import forms, i18n
from sscard.web.pages.centre_common import beijing
from sscard.web.pages.hall import cardholder
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import form, form_values, read, run

router = page_router("/hall/mandates")
FIELDS = ("payee_code", "customer_number", "max_amount_yuan")


async def _page(
    request: Request,
    actor: Actor,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    async def everything(ctx: Any) -> dict[str, Any]:
        return {
            "mandates": await collections.my_mandates(ctx),
            "debits": await collections.my_debits(ctx),
            "payees": await collections.list_payees(ctx),
        }

    found = await read(request, actor, everything)
    english = i18n.language(request) == "en"
    pick = 1 if english else 0
    context = {
        **found,
        "english": english,
        "kind_names": {k.value: KIND_LABELS[k][pick] for k in KIND_LABELS},
        "debit_names": {s.value: DEBIT_LABELS[s][pick] for s in DEBIT_LABELS},
        "payee_options": [
            (p["code"], p["name_en"] if english else p["name_zh"]) for p in found["payees"]
        ],
        "payee_names": {
            p["code"]: p["name_en"] if english else p["name_zh"] for p in found["payees"]
        },
        "values": values or {},
        "errors": errors or {},
        "done": request.query_params.get("done", "")[:16],
        "bj": beijing,
    }
    return render(request, "hall/mandates.html", context, status=status)


@router.get("")
async def mandates_page(request: Request, actor: Actor = Depends(cardholder)) -> Response:
    return await _page(request, actor)


@router.post("")
async def sign(request: Request, actor: Actor = Depends(cardholder)) -> Response:
    values = form_values(await form(request), *FIELDS)
    try:
        most = forms.fen_of_yuan(values["max_amount_yuan"], "max_amount_yuan", MAX_DEBIT_FEN)
        await run(
            request,
            actor,
            lambda ctx: collections.sign_mandate(
                ctx, values["payee_code"], values["customer_number"], most
            ),
        )
    except DomainError as refusal:
        errors = forms.field_messages(request, refusal)
        if "max_amount_fen" in errors:
            errors["max_amount_yuan"] = errors.pop("max_amount_fen")
        return await _page(request, actor, values=values, errors=errors, status=refusal.status)
    return redirect(request, "/hall/mandates?done=signed")


@router.post("/{reference}/revoke")
async def revoke(
    request: Request,
    reference: str = Path(pattern=r"^[A-Z0-9]{1,24}$"),
    actor: Actor = Depends(cardholder),
) -> Response:
    await form(request)
    try:
        await run(request, actor, lambda ctx: collections.revoke_mandate(ctx, reference))
    except DomainError as refusal:
        errors = {"": forms.field_messages(request, refusal).popitem()[1]}
        return await _page(request, actor, errors=errors, status=refusal.status)
    return redirect(request, "/hall/mandates?done=revoked")
