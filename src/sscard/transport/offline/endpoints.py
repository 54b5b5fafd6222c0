"""Offline clearing files over HTTP (SPEC TRN-1, TRN-3)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from sscard.kernel.actor import Actor
from sscard.kernel.db import MAX_ID
from sscard.platform.http.deps import current_actor, read, runtime
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.outbox.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER
from sscard.scenes import service as scenes
from sscard.transport.offline import service as offline
from sscard.transport.offline.rules import COLUMNS, MAX_LINES, MAX_PROBLEMS_SHOWN
from sscard.units.uploads import FileRoute
from sscard.units.workbook import CSV_MEDIA


class ClearingFileRoute(FileRoute):
    max_file_bytes = 160 * 1024 * 1024  # two million lines of about 80 bytes


uploads = APIRouter(route_class=ClearingFileRoute, prefix="/api/v1/transport", tags=["transport"])
router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/transport", tags=["transport"])

FILE_BODY: dict[str, Any] = {
    "requestBody": {"content": {CSV_MEDIA: {"schema": {"type": "string", "format": "binary"}}}},
    "parameters": [
        {"name": h, "in": "header", "required": True, "schema": {"type": "string"}}
        for h in (TIMESTAMP_HEADER, SIGNATURE_HEADER)
    ],
}


@uploads.post(
    "/clearing-files",
    status_code=201,
    summary="A transit operator uploads its readers' offline fares as a clearing file, signed "
    "as one of its terminals (TRN-3)",
    description=f"The body is a UTF-8 CSV with the header `{','.join(COLUMNS)}` (used_at an "
    "ISO moment with its zone), signed like any terminal request. Taken whole or refused whole "
    "(clearing_file_invalid lists each bad line by its number among the fares, 1 being the "
    "line after the header, and its field; blanks around a field are ignored). Each line is "
    "applied once, per purse in counter order, never below a zero balance: duplicates, "
    "counters already written, cards without a purse and lines the balance cannot pay are "
    "reported, not applied; counter gaps are reported. The same file (the same bytes: a "
    "line end rewritten or a newline added makes another file) under the same reference "
    "answers as the first time; another file under a used reference is refused "
    "(clearing_reference_reused), and its lines sent under a new reference are each "
    "recognised as duplicates, never applied twice.",
    openapi_extra=FILE_BODY,
)
async def upload_clearing_file(
    request: Request,
    reference: str = Query(pattern=r"^[A-Za-z0-9_-]{1,40}$"),
    actor: Actor = Depends(current_actor),
) -> Response:
    rt = runtime(request)
    offline.authorize_upload(actor)  # before a byte of the file is read
    raw = await request.body()  # outside any transaction: a slow upload holds no lock
    tolerance = rt.settings.signature_tolerance_seconds
    async with rt.unit(actor) as ctx:
        terminal = await scenes.authenticate(ctx, request.headers, raw, tolerance)
        report = await offline.upload_clearing_file(ctx, terminal, reference, raw)
    status = 200 if report["sent_again"] else 201
    return JSONResponse(jsonable_encoder(report), status_code=status)


@router.get(
    "/clearing-files/{file_id}",
    summary="A clearing file's report, its lines not applied page by page (TRN-3)",
    description="The counts by outcome, and the lines not applied or applied after a counter "
    f"gap, {MAX_PROBLEMS_SHOWN} at a time in line order: the next page starts after "
    "`next_after_line` (null on the last). For the centre, and for the uploading operator's "
    "own terminals (their token; a read is not signed).",
)
async def clearing_file(
    request: Request,
    file_id: int = Path(ge=1, le=MAX_ID),
    after_line: int = Query(0, ge=0, le=MAX_LINES, description="the page starts after it"),
    actor: Actor = Depends(current_actor),
) -> Response:
    return await read(request, actor, lambda ctx: offline.file_report(ctx, file_id, after_line))
