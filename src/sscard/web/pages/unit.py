"""The unit portal (issue 13 item 6; SPEC APP-3): a unit's agent, signed in at /signin like
staff, sees the unit and its batches, downloads the registration form template, uploads a
workbook or CSV with one bank for all, and reads the per-row result on screen (paged) or as a
workbook to fix and upload again.

Every route calls the use cases the API calls (units.service). A batch of more than
service.INLINE_ROWS rows is judged by the worker: its page shows the progress and asks again
every two seconds (htmx; a plain link without scripts) until the result is there.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from sscard.actors.staff.service import StaffSession
from sscard.kernel.actor import Role
from sscard.kernel.errors import DomainError, invalid
from sscard.registry.reference import service as reference
from sscard.units import service as units
from sscard.units.rules import Delivery
from sscard.units.uploads import FileRoute
from sscard.units.workbook import MAX_FILE_BYTES, XLSX_MEDIA
from sscard.web import forms, i18n
from sscard.web.i18n import N_
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import WebRoute, page_router, redirect
from sscard.web.session import form, of_role, read, run

router = page_router("/unit")
AGENT = of_role(Role.UNIT_AGENT)
PAGE_ROWS = 50


class UploadPageRoute(WebRoute, FileRoute):
    """A page route whose multipart form may carry a file of MAX_FILE_BYTES (the guard gives
    a form a photo's limit): WebRoute's pages over FileRoute's bounds."""


uploads = APIRouter(route_class=UploadPageRoute, prefix="/unit", include_in_schema=False)
MULTIPART: dict[str, Any] = {"requestBody": {"content": {"multipart/form-data": {}}}}

STATUS = {
    "received": N_("Waiting to be checked"),
    "validated": N_("Checked"),
    "failed": N_("Could not be read"),
}
PROGRESS = {
    None: N_("Waiting for the worker"),
    "reading": N_("Reading the file"),
    "judging": N_("Checking every row"),
}
DELIVERY = {
    "unit_agent": N_("Our agent collects at the outlet"),
    "logistics": N_("Sent to the unit by logistics"),
}
OUTCOME = {"accepted": N_("Accepted"), "refused": N_("Not accepted")}


def _xlsx(data: bytes, name: str) -> Response:
    disposition = f"attachment; filename=\"result.xlsx\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=XLSX_MEDIA, headers={"Content-Disposition": disposition})


@router.get("")
async def home(request: Request, who: StaffSession = Depends(AGENT)) -> Response:
    """The unit, its agents (masked) and its batches, newest first."""
    unit = await read(request, who.actor, units.own_unit)
    batches, _ = await read(
        request, who.actor, lambda ctx: units.batches_of_unit(ctx, unit["credit_code"], 0, 20)
    )
    context = {"unit": unit, "batches": batches, "status": STATUS}
    return render(request, "unit/home.html", context)


@router.get("/template.xlsx")
async def template(request: Request, who: StaffSession = Depends(AGENT)) -> Response:
    data = await read(request, who.actor, units.template_for)
    return _xlsx(data, "江苏省社会保障卡申领登记表.xlsx")


async def _upload_page(
    request: Request,
    who: StaffSession,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    lang = i18n.language(request)

    async def terms(ctx: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        unit = await units.own_unit(ctx)
        city = await reference.city(ctx, unit["city_code"])
        names = {
            b.code: b.name_en if lang == "en" else b.name_zh for b in await reference.banks(ctx)
        }
        return unit, [(code, names.get(code, code)) for code in city["bank_codes"]]

    unit, banks = await read(request, who.actor, terms)
    _ = i18n.translator(request)
    context = {
        "unit": unit,
        "banks": banks,
        "deliveries": [(d.value, _(DELIVERY[d.value])) for d in Delivery],
        "values": values or {"bank_code": banks[0][0] if banks else "", "delivery": "unit_agent"},
        "errors": errors or {},
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
    }
    return render(request, "unit/upload.html", context, status=status)


@router.get("/upload")
async def upload_form(request: Request, who: StaffSession = Depends(AGENT)) -> Response:
    return await _upload_page(request, who)


@uploads.post("/upload", openapi_extra=MULTIPART)
async def upload(request: Request, who: StaffSession = Depends(AGENT)) -> Response:
    """The file and the bank, as POST /api/v1/unit-batches takes them; a refused file is
    told next to the file field and nothing is stored."""
    data = await form(request)
    values = {
        "bank_code": str(data.get("bank_code") or ""),
        "delivery": str(data.get("delivery") or ""),
    }
    upload = data.get("file")
    try:
        try:
            delivery = Delivery(values["delivery"] or "unit_agent")
        except ValueError:
            raise invalid(
                "delivery", "请选择领卡方式", "choose how the cards reach the unit"
            ) from None
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise invalid("file", "请选择要上传的文件", "choose a file to upload")
        content = await upload.read(MAX_FILE_BYTES + 1)
        request_upload = units.BatchUpload(upload.filename, content, values["bank_code"], delivery)
        batch = await run(request, who.actor, lambda ctx: units.upload_batch(ctx, request_upload))
    except DomainError as refusal:
        errors = forms.field_messages(request, refusal)
        for other in ("", "body"):  # the file as a whole: told next to the file field
            if other in errors:
                errors["file"] = errors.pop(other)
        return await _upload_page(request, who, values=values, errors=errors, status=refusal.status)
    finally:
        await data.close()
    return redirect(request, f"/unit/batches/{batch['reference']}")


async def _result(
    request: Request, who: StaffSession, reference: str, after: int, refused: bool
) -> dict[str, Any]:
    async def both(ctx: Any) -> dict[str, Any]:
        batch = await units.view_batch(ctx, reference)
        rows, cursor = await units.batch_rows(ctx, reference, after, PAGE_ROWS, refused)
        names = await place_names(ctx, i18n.language(request))
        return {"batch": batch, "rows": rows, "cursor": cursor, "names": names}

    found = await read(request, who.actor, both)
    return {
        **found,
        "after": after,
        "refused": refused,
        "status": STATUS,
        "progress": PROGRESS,
        "delivery": DELIVERY,
        "outcome": OUTCOME,
    }


@router.get("/batches/{reference}")
async def batch_page(
    reference: str,
    request: Request,
    who: StaffSession = Depends(AGENT),
    after: int = Query(0, ge=0, le=1_000_000),
    refused: bool = Query(False),
) -> Response:
    """The batch and a page of its per-row results; while the worker checks it, its progress."""
    context = await _result(request, who, reference, after, refused)
    return render(request, "unit/result.html", context)


@router.get("/batches/{reference}/progress")
async def progress(
    reference: str, request: Request, who: StaffSession = Depends(AGENT)
) -> Response:
    """The progress fragment htmx asks for every two seconds; once the batch is checked, the
    whole page is loaded again (HX-Redirect) to show the rows."""
    batch = await read(request, who.actor, lambda ctx: units.view_batch(ctx, reference))
    if batch["status"] != "received":
        return Response(status_code=204, headers={"HX-Redirect": f"/unit/batches/{reference}"})
    context = {"batch": batch, "progress": PROGRESS}
    return render(request, "unit/progress.html", context)


@router.get("/batches/{reference}/result.xlsx")
async def result_workbook(
    reference: str, request: Request, who: StaffSession = Depends(AGENT)
) -> Response:
    name, data = await read(request, who.actor, lambda ctx: units.result_workbook(ctx, reference))
    return _xlsx(data, name)
