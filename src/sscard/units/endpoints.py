"""The unit channel over HTTP (issue 13 items 5 and 6; SPEC APP-3): units and their agents,
batch uploads (an .xlsx workbook or a CSV file as the body) and their per-row results."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from sscard.kernel.actor import Actor
from sscard.kernel.db import MAX_ID
from sscard.platform.http.deps import current_actor, read, runtime, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import PathId, cursor
from sscard.platform.http.schemas import answers
from sscard.platform.paging import page
from sscard.units import service
from sscard.units.rules import Delivery
from sscard.units.schemas import (
    AgentIn,
    AgentView,
    BatchPage,
    BatchRowPage,
    BatchView,
    NamedAgentView,
    ProcessedView,
    UnitIn,
    UnitPage,
    UnitView,
)
from sscard.units.uploads import FileRoute
from sscard.units.workbook import CSV_MEDIA, XLSX_MEDIA

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["units"])
uploads = APIRouter(route_class=FileRoute, prefix="/api/v1", tags=["units"])
CreditCode = str
XLSX_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA: {"schema": {"type": "string", "format": "binary"}}}}
}


@router.post(
    "/units",
    status_code=201,
    summary="Register a unit at the clerk's outlet (APP-3: credit code or authorisation letter)",
    responses=answers(UnitView, 201),
)
async def register_unit(
    body: UnitIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(
        request, actor, lambda ctx: service.register_unit(ctx, body.domain()), status=201
    )


@router.get(
    "/units", summary="Units the caller may see (keyset paging)", responses=answers(UnitPage)
)
async def list_units(
    request: Request,
    actor: Actor = Depends(current_actor),
    after: int = cursor(),
    limit: int = Query(100, ge=1, le=500),
) -> Any:
    return await read(request, actor, lambda ctx: page(service.list_units(ctx, after, limit)))


@router.get("/units/{credit_code}", summary="A unit with its agents", responses=answers(UnitView))
async def view_unit(
    credit_code: CreditCode, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    return await read(request, actor, lambda ctx: service.view_unit(ctx, credit_code))


@router.post(
    "/units/{credit_code}/agents",
    status_code=201,
    summary="Name an agent of the unit, with a console account (initial password shown once)",
    responses=answers(NamedAgentView, 201),
)
async def name_agent(
    credit_code: CreditCode,
    body: AgentIn,
    request: Request,
    actor: Actor = Depends(current_actor),
) -> Response:
    return await write(
        request,
        actor,
        lambda ctx: service.name_agent(ctx, credit_code, body.domain()),
        status=201,
    )


@router.post(
    "/units/{credit_code}/agents/{agent_id}/end",
    summary="End an agent: the account signs in no more",
    responses=answers(AgentView),
)
async def end_agent(
    credit_code: CreditCode,
    agent_id: PathId,
    request: Request,
    actor: Actor = Depends(current_actor),
) -> Response:
    return await write(request, actor, lambda ctx: service.end_agent(ctx, credit_code, agent_id))


@router.get(
    "/units/{credit_code}/batches",
    summary="The unit's batches, newest first",
    responses=answers(BatchPage),
)
async def unit_batches(
    credit_code: CreditCode,
    request: Request,
    actor: Actor = Depends(current_actor),
    before: int = Query(0, ge=0, le=MAX_ID, description="cursor from the previous page"),
    limit: int = Query(50, ge=1, le=200),
) -> Any:
    return await read(
        request,
        actor,
        lambda ctx: page(service.batches_of_unit(ctx, credit_code, before, limit)),
    )


@router.get(
    "/unit-batches/template",
    summary="The registration form 江苏省社会保障卡申领登记表 as an .xlsx template",
    response_class=Response,
    responses=XLSX_ANSWER,
)
async def template(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    async with runtime(request).unit(actor, readonly=True) as ctx:
        data = await service.template_for(ctx)
    return _xlsx(data, "江苏省社会保障卡申领登记表.xlsx")


def _xlsx(data: bytes, name: str) -> Response:
    disposition = f"attachment; filename=\"result.xlsx\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=XLSX_MEDIA, headers={"Content-Disposition": disposition})


# The workbook's media type is taken too (FileRoute), though not listed: OpenAPI tools cannot
# generate one; application/octet-stream carries either kind (told apart by content).
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            CSV_MEDIA: {"schema": {"type": "string", "format": "binary"}},
        }
    }
}


@uploads.post(
    "/unit-batches",
    status_code=201,
    summary="Upload a batch of members (APP-3): the form as .xlsx or CSV, one bank for all",
    description=(
        "The body is the file itself (Content-Type "
        f"`{XLSX_MEDIA}`, `{CSV_MEDIA}` or application/octet-stream; the kind is told by the "
        "content; a CSV in UTF-8 with or without BOM, or GB18030). A file that "
        "cannot be read as the form is refused whole (problem+json: not_a_workbook, "
        "workbook_too_large, too_many_rows, header_not_found, columns_missing, ...) and "
        "nothing is stored. Otherwise every row is judged on its own: 201 with the batch "
        "judged, or, for a file of more than 2,000 rows, 202 with the batch `received` — the "
        "worker judges it within seconds; follow Location. Per-row results: "
        "/unit-batches/{reference}/rows and result.xlsx."
    ),
    responses={**answers(BatchView, 201), 202: {"model": BatchView}},
    openapi_extra=UPLOAD_BODY,
)
async def upload_batch(
    request: Request,
    actor: Actor = Depends(current_actor),
    bank_code: str = Query("", max_length=16, description="a cooperating bank of the unit's city"),
    delivery: Delivery = Query(Delivery.UNIT_AGENT, description="unit_agent or logistics"),
    file_name: str = Query("", max_length=128, description="the file's name, as shown later"),
) -> Response:
    rt = runtime(request)
    async with rt.unit(actor, readonly=True) as ctx:
        service.authorize_upload(ctx)  # before a byte of the file is read
    data = await request.body()  # outside any transaction: a slow upload holds no lock
    upload = service.BatchUpload(file_name or "upload", data, bank_code, delivery)
    async with rt.unit(actor) as ctx:
        batch = await service.upload_batch(ctx, upload)
    status = 201 if batch["status"] != "received" else 202
    location = f"/api/v1/unit-batches/{batch['reference']}"
    return JSONResponse(jsonable_encoder(batch), status_code=status, headers={"Location": location})


@router.post(
    "/unit-batches/process",
    summary="Judge the batches waiting for the worker now (the province's operator)",
    responses=answers(ProcessedView),
)
async def process(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    done: list[str] = []
    while True:
        async with runtime(request).unit(actor) as ctx:
            reference = await service.process_waiting(ctx)
        if reference is None:
            return {"processed": done}
        done.append(reference)


@router.get(
    "/unit-batches/{reference}",
    summary="A batch: status, counts and due date (calendar days)",
    responses=answers(BatchView),
)
async def view_batch(
    reference: str, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    return await read(request, actor, lambda ctx: service.view_batch(ctx, reference))


@router.get(
    "/unit-batches/{reference}/rows",
    summary="The batch's per-row results, by row number (masked)",
    responses=answers(BatchRowPage),
)
async def batch_rows(
    reference: str,
    request: Request,
    actor: Actor = Depends(current_actor),
    after: int = Query(0, ge=0, le=1_000_000, description="row number of the previous page's last"),
    limit: int = Query(100, ge=1, le=1000),
    refused_only: bool = Query(False, description="only the rows not accepted"),
) -> Any:
    return await read(
        request,
        actor,
        lambda ctx: page(service.batch_rows(ctx, reference, after, limit, refused_only)),
    )


@router.get(
    "/unit-batches/{reference}/result.xlsx",
    summary="The per-row result as a workbook: the refused rows with their reasons, to fix",
    response_class=Response,
    responses=XLSX_ANSWER,
)
async def result(
    reference: str, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async with runtime(request).unit(actor, readonly=True) as ctx:
        name, data = await service.result_workbook(ctx, reference)
    return _xlsx(data, name)
