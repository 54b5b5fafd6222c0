"""Reconciliation of card and account status with a bank (SPEC ISS-2, LOSS-2, CAN-3, REP-3)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import AwareDatetime, BeforeValidator, ValidationError
from pydantic_core import PydanticCustomError

from sscard.banks.reconciliation import service as reconciliation
from sscard.banks.reconciliation.rules import Kind, Repair
from sscard.banks.reconciliation.schemas import ReconcileIn, RunPage, RunReport, RunSummary
from sscard.banks.reconciliation.service import REPORT_COLUMNS
from sscard.banks.reconciliation.statement import Source, Statement
from sscard.kernel.actor import Actor
from sscard.kernel.errors import invalid
from sscard.platform.http.deps import current_actor, read, runtime
from sscard.platform.http.guard import GuardedRoute, UnsupportedMediaType
from sscard.platform.http.request import PathId, cursor
from sscard.platform.http.schemas import answers, problem_response
from sscard.platform.validation import invalid_fields

router = APIRouter(route_class=GuardedRoute, tags=["reconciliation"])
SPOOL_BYTES = 8 * 1024 * 1024  # an upload larger than this waits on disk, not in memory
PAGE = 1000


STATEMENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ReconcileIn.model_json_schema()},
            "text/csv": {
                "schema": {"type": "string"},
                "example": "card_number,account_number,financial_status\n"
                "A00000001,6222020000001234,active\n",
            },
        },
    }
}


# ---- running ----


def _iso_8601(value: object) -> object:
    """Only ISO 8601 text is a moment here: pydantic alone reads `7` as 1970-01-01T00:00:07Z."""
    if not isinstance(value, str):
        return value
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "iso_datetime", "must be an ISO 8601 date and time with its zone"
        ) from None


AsOf = Annotated[AwareDatetime, BeforeValidator(_iso_8601)]


@router.post(
    "/api/v1/banks/{bank_code}/reconciliations",
    status_code=201,
    summary="Reconcile with the bank now: its statement from its API, or a CSV file (ISS-2)",
    description=(
        'JSON `{"source": "api"}` fetches the statement from the bank\'s statement_url; a '
        "`text/csv` body is the statement itself, with `as_of` (default: now). Every line is "
        "checked first: a bad statement is refused as a whole with each bad line's number and "
        "changes nothing but a failed run. The run spans several transactions, so an "
        "Idempotency-Key is not honoured; running again is safe (it finds what is left)."
    ),
    responses={**answers(RunSummary, 201), 502: problem_response(502)},
    openapi_extra=STATEMENT_BODY,
)
async def reconcile(
    bank_code: str,
    request: Request,
    actor: Actor = Depends(current_actor),
    as_of: AsOf | None = Query(
        None,
        description="only with a text/csv statement: the moment it describes, ISO 8601 with "
        "its zone (2026-11-24T02:00:00+08:00); a fetched statement says its own",
    ),
) -> Response:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    rt = runtime(request)
    if media == "text/csv":
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            async for part in request.stream():
                spool.write(part)
            statement = Statement(spool, as_of, Source.FILE)
            run = await reconciliation.reconcile(rt, actor, bank_code, statement)
    elif media == "application/json":
        _source(await request.body())
        if as_of is not None:
            raise invalid(
                "as_of",
                "仅适用于text/csv对账文件，从银行接口取得的对账单自带时点",
                "applies only to a text/csv statement; a fetched statement gives its own",
            )
        run = await reconciliation.reconcile(rt, actor, bank_code)
    else:
        raise UnsupportedMediaType(
            field="Content-Type", given=media or "(none)", accepted="application/json / text/csv"
        )
    location = f"/api/v1/reconciliations/{run['id']}"
    return JSONResponse(jsonable_encoder(run), status_code=201, headers={"Location": location})


def _source(body: bytes) -> None:
    try:
        ReconcileIn.model_validate_json(body or b"{}")
    except ValidationError as bad:
        raise invalid_fields(bad) from None


# ---- reading ----


@router.get(
    "/api/v1/banks/{bank_code}/reconciliations",
    summary="The bank's reconciliation runs, newest first",
    responses=answers(RunPage),
)
async def list_runs(
    bank_code: str,
    request: Request,
    actor: Actor = Depends(current_actor),
    before: int = cursor(),
    limit: int = Query(50, ge=1, le=500),
) -> Any:
    return await read(
        request, actor, lambda ctx: reconciliation.list_runs(ctx, bank_code, before, limit)
    )


@router.get(
    "/api/v1/reconciliations/{run_id}",
    summary="A run with its differences counted by kind and one page of them (keyset)",
    responses=answers(RunReport),
)
async def get_run(
    run_id: PathId,
    request: Request,
    actor: Actor = Depends(current_actor),
    kind: Kind | None = None,
    repair: Repair | None = None,
    after: int = cursor(),
    limit: int = Query(100, ge=1, le=PAGE),
) -> Any:
    return await read(
        request,
        actor,
        lambda ctx: reconciliation.report(ctx, run_id, kind, repair, after, limit),
    )


@router.get(
    "/api/v1/reconciliations/{run_id}/differences.csv",
    summary="The run's report as a CSV file (UTF-8 with BOM, opens in a spreadsheet)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
async def differences_csv(
    run_id: PathId,
    request: Request,
    actor: Actor = Depends(current_actor),
    kind: Kind | None = None,
    repair: Repair | None = None,
) -> StreamingResponse:
    rt = runtime(request)

    async with rt.unit(actor, readonly=True) as ctx:
        # Refusals (role, unknown run) answer before the stream starts.
        page = await reconciliation.differences(ctx, run_id, kind, repair, 0, PAGE)

    async def lines() -> AsyncIterator[str]:
        nonlocal page
        yield "\ufeff" + _csv([list(REPORT_COLUMNS)])
        while True:
            yield _csv([[item[c] for c in REPORT_COLUMNS] for item in page["items"]])
            if page["next_after"] is None:
                return
            async with rt.unit(actor, readonly=True) as ctx:
                page = await reconciliation.differences(
                    ctx, run_id, kind, repair, page["next_after"], PAGE
                )

    name = f"reconciliation-{run_id}.csv"
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _csv(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()
