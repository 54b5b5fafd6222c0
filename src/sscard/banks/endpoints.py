"""What banks report to us: the inbox (SPEC ISS-2, ISS-4, LOSS-2/3, CAN-3)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError

from sscard.banks import service as inbox
from sscard.banks.protocol import InboxStatus
from sscard.banks.rules import Report
from sscard.banks.schemas import BankReportIn, InboxEntryView, InboxPage, ReceiptView
from sscard.banks.service import InboxFilter, Receipt
from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read, runtime
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.problems import problem
from sscard.platform.http.request import parse_strict, signed_body_openapi
from sscard.platform.http.schemas import PROBLEMS, answers
from sscard.platform.outbox.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER
from sscard.platform.paging import page

router = APIRouter(route_class=GuardedRoute, tags=["banks"])


REPORT_BODY = signed_body_openapi(BankReportIn, (TIMESTAMP_HEADER, SIGNATURE_HEADER))


@router.post(
    "/api/v1/bank-reports",
    summary="A bank system reports a change at its side, signed (ISS-2, ISS-4, LOSS-2/3, CAN-3)",
    description="The body is checked against the signature headers before it is read. A message "
    "id seen before is answered as the first time; a report ahead of the card's next sequence is "
    "held back (202) until the gap fills; one refused by a rule is kept as rejected and uses up "
    "its sequence.",
    responses={**answers(ReceiptView), 202: {"model": ReceiptView}},
    openapi_extra=REPORT_BODY,
)
async def submit_report(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    # Not deps.write: the signature is checked on the raw body before it is parsed, and the
    # bank's message id (the inbox's key) is the idempotency key, not an Idempotency-Key header.
    rt = runtime(request)
    raw = await request.body()
    tolerance = rt.settings.signature_tolerance_seconds
    report: Report | None = None
    try:
        async with rt.unit(actor) as ctx:
            await inbox.authenticate(ctx, request.headers, raw, tolerance)
            report = _parse(raw)
            receipt = await inbox.receive(ctx, report)
    except IntegrityError:
        # A copy of this message committed first (the inbox's primary key): answer as it did.
        if report is None:
            raise
        async with rt.unit(actor, readonly=True) as ctx:
            again = await inbox.replay(ctx, report)
        if again is None:
            raise
        receipt = again
    return _answer(request, receipt)


def _parse(raw: bytes) -> Report:
    return parse_strict(BankReportIn, raw).domain()


def _answer(request: Request, receipt: Receipt) -> Response:
    if receipt.refusal is not None:
        refusal = receipt.refusal
        return problem(
            request,
            status=refusal["status"],
            code=refusal["code"],
            zh=refusal["detail_zh"],
            en=refusal["detail_en"],
            rule=refusal["rule"],
            field=refusal["field"],
            extra={
                "message_id": receipt.message_id,
                "inbox_status": receipt.status.value,
                "duplicate": receipt.duplicate,
                "released": receipt.released,
            },
        )
    code = 202 if receipt.status is InboxStatus.DEFERRED and not receipt.duplicate else 200
    return JSONResponse(jsonable_encoder(receipt.as_dict()), status_code=code)


@router.get(
    "/api/v1/bank-inbox",
    tags=["banks"],
    summary="Reports received from banks and what became of them (keyset paging)",
    responses=answers(InboxPage),
)
async def list_inbox(
    request: Request,
    actor: Actor = Depends(current_actor),
    bank: str | None = Query(None, max_length=16, description="bank code, e.g. ICBC"),
    status: InboxStatus | None = None,
    card_number: str | None = Query(None, pattern=r"^[A-Za-z][0-9]{8}$"),
    after: str | None = Query(None, max_length=512, description="cursor from the previous page"),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    f = InboxFilter(bank, status, card_number, after, limit)

    return await read(request, actor, lambda ctx: page(inbox.list_inbox(ctx, f)))


@router.get(
    "/api/v1/bank-inbox/{bank}/{message_id}",
    summary="One report received from a bank, with its outcome",
    responses={200: {"model": InboxEntryView}, **PROBLEMS},
)
async def get_inbox_entry(
    request: Request,
    bank: str = Path(max_length=16),
    message_id: str = Path(max_length=64),
    actor: Actor = Depends(current_actor),
) -> Any:
    return await read(request, actor, lambda ctx: inbox.inbox_entry(ctx, bank, message_id))
