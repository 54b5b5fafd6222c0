"""Benefit payments over HTTP (SPEC PAY-1..3, ISS-6, GOV-6)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response, StreamingResponse

from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import MAX_ID
from sscard.kernel.runtime import Runtime
from sscard.payments import files
from sscard.payments import service as payments
from sscard.payments.report_file import report_header, report_language, report_lines
from sscard.payments.rules import PaymentStatus, split_answers
from sscard.payments.schemas import (
    AnswersIn,
    AnswersView,
    BatchIn,
    BatchReport,
    BatchSummary,
    MyPayment,
    PayerIn,
    PayerView,
    PaymentLine,
    StatisticsView,
)
from sscard.platform.http.deps import current_actor, read, runtime, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import parse_strict, signed_body_openapi
from sscard.platform.http.schemas import answers
from sscard.platform.outbox.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER
from sscard.units.uploads import FileRoute
from sscard.units.workbook import CSV_MEDIA

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["payments"])


class PaymentFileRoute(FileRoute):
    max_file_bytes = files.MAX_FILE_BYTES


uploads = APIRouter(route_class=PaymentFileRoute, prefix="/api/v1", tags=["payments"])
PayerCode = Path(pattern=r"^[A-Z][A-Z0-9_-]{2,15}$")
BatchId = Path(ge=1, le=MAX_ID)


@router.put(
    "/payers/{code}",
    summary="Register or change a payer system and the kinds it pays; its token shown once",
    responses=answers(PayerView),
)
async def register_payer(
    body: PayerIn, request: Request, code: str = PayerCode, actor: Actor = Depends(current_actor)
) -> Response:
    kinds = [k.value for k in body.kinds]
    return await write(
        request,
        actor,
        lambda ctx: payments.register_payer(
            ctx, code, body.name_zh, body.name_en, kinds, body.renew
        ),
    )


@router.get(
    "/payers",
    summary="The payers registered",
    responses=answers(list[PayerView]),  # type: ignore[arg-type]
)
async def list_payers(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read(request, actor, payments.list_payers)


@router.post(
    "/payment-batches",
    status_code=201,
    summary="A payer's batch of payments, routed to the newest active card accounts (PAY-1/2)",
    description="Taken whole or refused whole (batch_invalid lists each line's problem). The "
    "same reference with the same lines answers as the first time (200, duplicate true); with "
    "other lines, 409 batch_reference_reused. Larger batches: POST /payment-batches/file.",
    responses={**answers(BatchReport, 201), 200: {"model": BatchReport}},
)
async def submit_batch(
    body: BatchIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    lines = [line.domain() for line in body.lines]
    return await _submitted(
        request,
        actor,
        lambda ctx: payments.submit_batch(ctx, body.payer_code, body.reference, lines, "api"),
    )


async def _submitted(request: Request, actor: Actor, use_case: Any) -> Response:
    async with runtime(request).unit(actor) as ctx:
        report = await use_case(ctx)
    status = 200 if report["duplicate"] else 201
    location = f"/api/v1/payment-batches/{report['batch_id']}"
    return JSONResponse(
        jsonable_encoder(report), status_code=status, headers={"Location": location}
    )


FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            CSV_MEDIA: {"schema": {"type": "string", "format": "binary"}},
        }
    }
}


@uploads.post(
    "/payment-batches/file",
    status_code=201,
    summary="A payer's batch as a CSV or .xlsx file of up to 1,000,000 payments (PAY-1/2)",
    description="The body is the file (header: ssn, amount_fen or amount_yuan, kind, period, "
    "payer_reference; the Chinese column names are taken too). Answers as POST "
    "/payment-batches. A line is numbered among the payments: 1 is the first non-empty row "
    "after the header, and empty rows are neither read nor counted (in a spreadsheet with "
    "empty rows, line n may sit lower than row n + 1).",
    responses={**answers(BatchReport, 201), 200: {"model": BatchReport}},
    openapi_extra=FILE_BODY,
)
async def submit_file(
    request: Request,
    reference: str = Query(pattern=r"^[A-Za-z0-9_-]{1,40}$"),
    payer_code: str | None = Query(None, max_length=16),
    actor: Actor = Depends(current_actor),
) -> Response:
    payments.authorize_submission(actor)  # before a byte of the file is read
    data = await request.body()  # outside any transaction: a slow upload holds no lock
    parsed = await asyncio.to_thread(files.read_batch_file, data)

    async def use_case(ctx: Ctx) -> dict[str, Any]:
        return await payments.submit_batch(
            ctx, payer_code, reference, parsed.lines, "file", parsed.problems
        )

    return await _submitted(request, actor, use_case)


@router.get(
    "/payment-batches",
    summary="The batches, newest first (a payer sees its own)",
    responses=answers(list[BatchSummary]),  # type: ignore[arg-type]
)
async def list_batches(
    request: Request,
    payer_code: str | None = Query(None, max_length=16),
    before_id: int | None = Query(None, ge=1, le=MAX_ID),
    limit: int = Query(50, ge=1, le=200),
    actor: Actor = Depends(current_actor),
) -> Response:
    return await read(
        request, actor, lambda ctx: payments.list_batches(ctx, payer_code, before_id, limit)
    )


@router.get(
    "/payment-batches/{batch_id}",
    summary="A batch's report: counts and sums by outcome and reason (PAY-1/2)",
    responses=answers(BatchReport),
)
async def batch_report(
    request: Request, batch_id: int = BatchId, actor: Actor = Depends(current_actor)
) -> Response:
    return await read(request, actor, lambda ctx: payments.batch_report(ctx, batch_id))


@router.get(
    "/payment-batches/{batch_id}/payments",
    summary="A batch's payments in line order, masked, each with its outcome and why",
    responses=answers(list[PaymentLine]),  # type: ignore[arg-type]
)
async def batch_payments(
    request: Request,
    batch_id: int = BatchId,
    status: PaymentStatus | None = Query(None),
    after_line: int = Query(0, ge=0, le=10_000_000),
    limit: int = Query(100, ge=1, le=1000),
    actor: Actor = Depends(current_actor),
) -> Response:
    wanted = status.value if status else None
    return await read(
        request,
        actor,
        lambda ctx: payments.batch_lines(ctx, batch_id, wanted, after_line, limit),
    )


@router.get(
    "/payment-batches/{batch_id}/report.csv",
    summary="The batch's report as a file: every payment with its outcome, for the payer",
    responses={200: {"content": {"text/csv": {}}}},
)
async def batch_report_file(
    request: Request,
    batch_id: int = BatchId,
    language: Literal["zh", "en"] | None = Query(
        None, description="zh or en; else the Accept-Language header's first; else zh"
    ),
    accept_language: str | None = Header(None, max_length=256),
    actor: Actor = Depends(current_actor),
) -> Response:
    chosen = report_language(language, accept_language)
    return await report_download(runtime(request), actor, batch_id, chosen)


REPORT_PAGE = 5000  # payments read per transaction while the file streams


async def report_download(rt: Runtime, actor: Actor, batch_id: int, language: str) -> Response:
    """The batch's report as a streamed CSV file, read REPORT_PAGE payments at a time in line
    order (bounded memory whatever the batch's size); NotFound before the first byte for a
    batch that is not the caller's."""
    async with rt.unit(actor, readonly=True) as ctx:
        await payments.batch_report(ctx, batch_id)

    async def pages() -> AsyncIterator[str]:
        yield report_header(language)
        after = 0
        while True:
            async with rt.unit(actor, readonly=True) as ctx:
                lines = await payments.batch_lines(ctx, batch_id, None, after, REPORT_PAGE)
            if not lines:
                return
            yield report_lines(lines, language)
            after = lines[-1]["line"]

    name = f"payment-batch-{batch_id}.csv"
    return StreamingResponse(
        pages(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


ANSWERS_BODY = signed_body_openapi(AnswersIn, (TIMESTAMP_HEADER, SIGNATURE_HEADER))


@router.post(
    "/bank-credit-answers",
    summary="A bank answers the payments of a credit instruction, signed (PAY-1)",
    description="Each payment is answered once: credited or refused with a reason. The same "
    "answer again is counted as a duplicate; another answer for a payment already answered "
    "refuses the whole body (409 answer_conflicts), as does a payment not in the instruction "
    "(422 not_in_instruction).",
    responses=answers(AnswersView),
    openapi_extra=ANSWERS_BODY,
)
async def answer_credits(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    rt = runtime(request)
    raw = await request.body()
    tolerance = rt.settings.signature_tolerance_seconds
    async with rt.unit(actor) as ctx:
        await payments.authenticate_bank(ctx, request.headers, raw, tolerance)
        body = parse_strict(AnswersIn, raw)
        credited, refused = split_answers([a.domain() for a in body.answers], "payment_id")
        result = await payments.record_answers(ctx, body.instruction_id, credited, refused)
    return JSONResponse(jsonable_encoder(result))


@router.get(
    "/me/payments",
    summary="The benefit payments made to me, newest first, with where each stands (PAY-1/2)",
    responses=answers(list[MyPayment]),  # type: ignore[arg-type]
)
async def my_payments(
    request: Request,
    before_id: int | None = Query(
        None, ge=1, le=MAX_ID, description="the next page: payments older than this payment_id"
    ),
    limit: int = Query(100, ge=1, le=500),
    actor: Actor = Depends(current_actor),
) -> Response:
    return await read(request, actor, lambda ctx: payments.my_payments(ctx, limit, before_id))


@router.get(
    "/payments/statistics",
    summary="Payments by kind and outcome, count and sum, and what banks have not answered"
    " (PAY-3, GOV-6)",
    responses=answers(StatisticsView),
)
async def statistics(
    request: Request,
    since: str = Query(max_length=32, description="ISO date or moment (Beijing if no zone)"),
    until: str = Query(max_length=32),
    actor: Actor = Depends(current_actor),
) -> Response:
    start, end = payments.moment(since, "since"), payments.moment(until, "until")
    return await read(request, actor, lambda ctx: payments.statistics(ctx, start, end))
