"""Benefit payments at the card centre (issue 15 items 6-9; SPEC PAY-1..3, ISS-6, GOV-6): the
payers and (the province only) registering one, its token shown once; a payer's batch uploaded
as a CSV or .xlsx file, refused whole with each line's problem or routed; each batch's report
by outcome and reason with its payments (held first when asked) and the report as a file; this
month's payments by kind and what the banks have not answered yet.

The same use cases as the API (`/api/v1/payers`, `/api/v1/payment-batches...`,
`/api/v1/payments/statistics`)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from sscard.actors.staff.service import StaffSession
from sscard.kernel.clock import CHINA
from sscard.kernel.db import MAX_ID
from sscard.kernel.errors import DomainError, invalid
from sscard.payments import files
from sscard.payments import service as payments
from sscard.payments.collections import service as collections
from sscard.payments.collections.permissions import REGISTER_PAYEE
from sscard.payments.collections.rules import DEBIT_LABELS
from sscard.payments.collections.rules import KIND_LABELS as COLLECTION_LABELS
from sscard.payments.endpoints import PaymentFileRoute, report_download
from sscard.payments.permissions import REGISTER_PAYER
from sscard.payments.rules import KIND_LABELS, STATUS_LABELS, BatchInvalid, PaymentKind
from sscard.platform.http.deps import runtime
from sscard.web import i18n
from sscard.web.pages.centre_common import ADMIN, errors_of, page_context
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import WebRoute, page_router, redirect
from sscard.web.session import form, form_values, read, run, takes_lists

router = page_router("/centre")


class PaymentUploadRoute(WebRoute, PaymentFileRoute):
    """A page route whose multipart form may carry a payer's file (PaymentFileRoute's bound)."""


uploads = APIRouter(route_class=PaymentUploadRoute, prefix="/centre", include_in_schema=False)
MULTIPART: dict[str, Any] = {"requestBody": {"content": {"multipart/form-data": {}}}}
PAGE_LINES = 50
PAYER_FIELDS = ("code", "name_zh", "name_en", "renew")
takes_lists("kinds")


def _labels(request: Request) -> dict[str, Any]:
    english = i18n.language(request) == "en"
    pick = 1 if english else 0
    return {
        "kind_names": {k.value: KIND_LABELS[k][pick] for k in PaymentKind},
        "status_names": {s.value: STATUS_LABELS[s][pick] for s in STATUS_LABELS},
        "collection_names": {k.value: COLLECTION_LABELS[k][pick] for k in COLLECTION_LABELS},
        "debit_names": {s.value: DEBIT_LABELS[s][pick] for s in DEBIT_LABELS},
        "english": english,
    }


def _named(parties: list[dict[str, Any]], english: bool) -> dict[str, str]:
    """A payer's or payee's code → "name (code)" in the page language; the code is kept beside
    the name, as the upload form and the payer's file name it."""
    return {
        p["code"]: f"{p['name_en'] if english else p['name_zh']} ({p['code']})" for p in parties
    }


def _this_month(now: datetime) -> tuple[datetime, datetime]:
    local = now.astimezone(CHINA)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


async def _page(
    request: Request,
    who: StaffSession,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    problems: list[dict[str, Any]] | None = None,
    registered: dict[str, Any] | None = None,
    registered_payee: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    async def overview(ctx: Any) -> dict[str, Any]:
        since, until = _this_month(ctx.now)
        return {
            "payers": await payments.list_payers(ctx),
            "batches": await payments.list_batches(ctx, None, None, 50),
            "month": await payments.statistics(ctx, since, until),
            "payees": await collections.list_payees(ctx),
            "debit_totals": await collections.debit_totals(ctx),
            "debits": await collections.payee_debits(ctx, 20),
            "names": await place_names(ctx, i18n.language(request)),
        }

    found = await read(request, who.actor, overview)
    labels = _labels(request)
    english = labels["english"]
    context = page_context(
        request,
        found=found,
        **labels,
        names=found["names"],
        payer_names=_named(found["payers"], english),
        payee_names=_named(found["payees"], english),
        may_register=who.actor.role in REGISTER_PAYER.roles,
        may_register_payee=who.actor.role in REGISTER_PAYEE.roles,
        payer_options=[
            (p["code"], f"{p['code']} {p['name_en'] if english else p['name_zh']}")
            for p in found["payers"]
        ],
        values=values or {},
        errors=errors or {},
        problems=problems or [],
        registered=registered,
        registered_payee=registered_payee,
        max_mb=files.MAX_FILE_BYTES // (1024 * 1024),
    )
    return render(request, "centre/payments.html", context, status=status)


@router.get("/payments")
async def payments_page(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    return await _page(request, who)


@router.post("/payments/payers")
async def register_payer(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    data = await form(request)
    values = form_values(data, *PAYER_FIELDS)
    kinds = [str(k) for k in data.getlist("kinds")]
    values["kinds"] = kinds
    try:
        registered = await run(
            request,
            who.actor,
            lambda ctx: payments.register_payer(
                ctx,
                values["code"].strip().upper(),
                values["name_zh"],
                values["name_en"],
                kinds,
                values["renew"] == "yes",
            ),
        )
    except DomainError as refusal:
        return await _page(request, who, values=values, errors=errors_of(request, refusal),
                           status=refusal.status)  # fmt: skip
    return await _page(request, who, registered=registered)


@router.post("/payments/payees")
async def register_payee(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    values = form_values(await form(request), "payee_code", "payee_name_zh", "payee_name_en",
                         "payee_kind", "payee_renew")  # fmt: skip
    try:
        registered = await run(
            request,
            who.actor,
            lambda ctx: collections.register_payee(
                ctx,
                values["payee_code"].strip().upper(),
                values["payee_name_zh"],
                values["payee_name_en"],
                values["payee_kind"],
                values["payee_renew"] == "yes",
            ),
        )
    except DomainError as refusal:
        errors = {f"payee_{k}" if k else k: v for k, v in errors_of(request, refusal).items()}
        return await _page(request, who, values=values, errors=errors, status=refusal.status)
    return await _page(request, who, registered_payee=registered)


@uploads.post("/payments/upload", openapi_extra=MULTIPART)
async def upload(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    """The payer's file as POST /api/v1/payment-batches/file takes it; a refused file or
    batch is told on the page (each line's problem listed) and nothing is stored."""
    data = await form(request)
    values = form_values(data, "payer_code", "reference")
    upload_file = data.get("file")
    try:
        if not isinstance(upload_file, UploadFile) or not upload_file.filename:
            raise invalid("file", "请选择要上传的文件", "choose a file to upload")
        content = await upload_file.read(files.MAX_FILE_BYTES + 1)
        parsed = await asyncio.to_thread(files.read_batch_file, content)
        report = await run(
            request,
            who.actor,
            lambda ctx: payments.submit_batch(
                ctx,
                values["payer_code"],
                values["reference"].strip(),
                parsed.lines,
                "file",
                parsed.problems,
            ),
        )
    except BatchInvalid as refusal:
        listed = [p.as_dict() for p in refusal.problems]
        return await _page(request, who, values=values, errors=errors_of(request, refusal),
                           problems=listed, status=refusal.status)  # fmt: skip
    except DomainError as refusal:
        errors = errors_of(request, refusal)
        for other in ("", "body", "lines"):
            if other in errors:
                errors["file"] = errors.pop(other)
        return await _page(request, who, values=values, errors=errors, status=refusal.status)
    finally:
        await data.close()
    return redirect(request, f"/centre/payments/{report['batch_id']}")


BatchId = Path(ge=1, le=MAX_ID)


@router.get("/payments/{batch_id}")
async def batch_page(
    request: Request,
    batch_id: int = BatchId,
    status: str = Query("", max_length=16),
    after: int = Query(0, ge=0, le=10_000_000),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    wanted = status if status in STATUS_LABELS else None

    async def both(ctx: Any) -> dict[str, Any]:
        report = await payments.batch_report(ctx, batch_id)
        lines = await payments.batch_lines(ctx, batch_id, wanted, after, PAGE_LINES + 1)
        payers = await payments.list_payers(ctx)
        names = await place_names(ctx, i18n.language(request))
        return {"report": report, "lines": lines, "payers": payers, "names": names}

    found = await read(request, who.actor, both)
    more = len(found["lines"]) > PAGE_LINES
    lines = found["lines"][:PAGE_LINES]
    english = i18n.language(request) == "en"
    context = page_context(
        request,
        report=found["report"],
        payer_names=_named(found["payers"], english),
        names=found["names"],
        lines=lines,
        next_after=lines[-1]["line"] if more else None,
        status_filter=wanted or "",
        **_labels(request),
    )
    return render(request, "centre/payment_batch.html", context)


@router.get("/payments/{batch_id}/report.csv")
async def batch_file(
    request: Request, batch_id: int = BatchId, who: StaffSession = Depends(ADMIN)
) -> Response:
    return await report_download(runtime(request), who.actor, batch_id, i18n.language(request))
