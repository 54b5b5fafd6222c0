"""Collections by mandate over HTTP (SPEC PAY-1)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from sscard.kernel.actor import Actor
from sscard.kernel.db import MAX_ID
from sscard.payments.collections import service as collections
from sscard.payments.collections.schemas import (
    DebitAnswersIn,
    DebitAnswersView,
    DebitIn,
    DebitRequested,
    DebitView,
    MandateIn,
    MandateView,
    PayeeIn,
    PayeeMandateView,
    PayeeView,
)
from sscard.payments.rules import split_answers
from sscard.platform.http.deps import current_actor, read, runtime, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import parse_strict, signed_body_openapi
from sscard.platform.http.schemas import answers
from sscard.platform.outbox.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["collections"])
PayeeCode = Path(pattern=r"^[A-Z0-9][A-Z0-9_-]{2,15}$")
MandateReference = Path(pattern=r"^[A-Z0-9]{1,24}$")
DebitId = Path(ge=1, le=MAX_ID)


@router.put(
    "/payees/{code}",
    summary="Register or change a payee's system collecting by mandate; token shown once",
    responses=answers(PayeeView),
)
async def register_payee(
    body: PayeeIn, request: Request, code: str = PayeeCode, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(
        request,
        actor,
        lambda ctx: collections.register_payee(
            ctx, code, body.name_zh, body.name_en, body.kind.value, body.renew
        ),
    )


@router.get(
    "/payees",
    summary="The payees a holder may sign a mandate with",
    responses=answers(list[PayeeView]),  # type: ignore[arg-type]
)
async def list_payees(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read(request, actor, collections.list_payees)


@router.post(
    "/me/mandates",
    status_code=201,
    summary="Sign a mandate: let a payee debit my card account for one of my accounts there",
    responses=answers(MandateView, 201),
)
async def sign_mandate(
    body: MandateIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(
        request,
        actor,
        lambda ctx: collections.sign_mandate(
            ctx, body.payee_code, body.customer_number, body.max_amount_fen
        ),
        status=201,
    )


@router.get(
    "/me/mandates",
    summary="My mandates, newest first",
    responses=answers(list[MandateView]),  # type: ignore[arg-type]
)
async def my_mandates(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read(request, actor, collections.my_mandates)


@router.post(
    "/me/mandates/{reference}/revoke",
    summary="Revoke my mandate: no debit may be asked under it any more; 409 "
    "mandate_already_revoked for one revoked before",
    responses=answers(MandateView),
)
async def revoke_mandate(
    request: Request, reference: str = MandateReference, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: collections.revoke_mandate(ctx, reference))


@router.get(
    "/mandates",
    summary="The mandates holders signed with me (a payee), newest first (PAY-1)",
    description="A payee's system finds here the mandate_reference of a customer to debit "
    "under (customer_number: the holder's number at the payee); the provincial centre and the "
    "auditor read every payee's. Paged by after_id (a mandate_id).",
    responses=answers(list[PayeeMandateView]),  # type: ignore[arg-type]
)
async def payee_mandates(
    request: Request,
    customer_number: str | None = Query(None, min_length=1, max_length=32),
    after_id: int | None = Query(None, ge=1, le=MAX_ID),
    limit: int = Query(100, ge=1, le=500),
    actor: Actor = Depends(current_actor),
) -> Response:
    return await read(
        request,
        actor,
        lambda ctx: collections.payee_mandates(ctx, customer_number, after_id, limit),
    )


@router.get(
    "/me/debits",
    summary="What payees took, or asked to take, from my card accounts",
    responses=answers(list[DebitView]),  # type: ignore[arg-type]
)
async def my_debits(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read(request, actor, collections.my_debits)


@router.post(
    "/debits",
    status_code=201,
    summary="A payee asks to debit a holder's card account under a mandate (PAY-1)",
    description="Sent to the bank of the holder's newest card with an active financial "
    "function; refused at once, with the reason kept, when there is none (201, duplicate "
    "false). The payee_reference is the request's idempotency key: the same reference with "
    "the same debit answers as the first time (200, duplicate true); with another debit, 409 "
    "debit_reference_reused. The debits of one period under a mandate that are not refused "
    "must not exceed its max_amount_fen: 422 over_mandate_limit (field amount_fen) otherwise, "
    "with what is left in that period (left_fen).",
    responses={**answers(DebitRequested, 201), 200: {"model": DebitRequested}},
)
async def request_debit(
    body: DebitIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async with runtime(request).unit(actor) as ctx:
        asked = await collections.request_debit(
            ctx, body.mandate_reference, body.amount_fen, body.period, body.payee_reference
        )
    return JSONResponse(
        jsonable_encoder(asked),
        status_code=200 if asked["duplicate"] else 201,
        headers={"Location": f"/api/v1/debits/{asked['debit_id']}"},
    )


@router.get(
    "/debits",
    summary="The newest debits: a payee its own, the centre all",
    responses=answers(list[DebitView]),  # type: ignore[arg-type]
)
async def list_debits(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read(request, actor, collections.payee_debits)


@router.get("/debits/{debit_id}", summary="One debit", responses=answers(DebitView))
async def debit(
    request: Request, debit_id: int = DebitId, actor: Actor = Depends(current_actor)
) -> Response:
    return await read(request, actor, lambda ctx: collections.debit_view(ctx, debit_id))


ANSWERS_BODY = signed_body_openapi(DebitAnswersIn, (TIMESTAMP_HEADER, SIGNATURE_HEADER))


@router.post(
    "/bank-debit-answers",
    summary="A bank answers the debits sent to it, signed (PAY-1)",
    description="Each debit is answered once: debited or refused with a reason; the same "
    "answer again is a duplicate; another answer, or a debit that is not this bank's, refuses "
    "the whole body.",
    responses=answers(DebitAnswersView),
    openapi_extra=ANSWERS_BODY,
)
async def answer_debits(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    rt = runtime(request)
    raw = await request.body()
    tolerance = rt.settings.signature_tolerance_seconds
    async with rt.unit(actor) as ctx:
        await collections.authenticate_bank(ctx, request.headers, raw, tolerance)
        body = parse_strict(DebitAnswersIn, raw)
        debited, refused = split_answers([a.domain() for a in body.answers], "debit_id")
        result = await collections.record_debit_answers(ctx, debited, refused)
    return JSONResponse(jsonable_encoder(result))
