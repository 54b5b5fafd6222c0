"""The HR credit record over HTTP (SPEC REP-5, GOV-4)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read_recorded, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import PathId
from sscard.platform.http.schemas import answers
from sscard.registry.credit import service as credit
from sscard.registry.credit.schemas import CreditEntryIn, CreditEntryView, CreditRecordView

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/persons", tags=["persons"])


CREDIT = "/{person_id}/credit-record"


@router.get(
    CREDIT,
    summary="A person's HR credit record (REP-5, GOV-4)",
    responses=answers(CreditRecordView),
)
async def get_credit_record(
    person_id: PathId, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    return await read_recorded(request, actor, lambda ctx: credit.credit_record(ctx, person_id))


@router.post(
    CREDIT,
    status_code=201,
    summary="Record an entry in a person's HR credit record (REP-5, GOV-4; centre only)",
    responses=answers(CreditEntryView, 201),
)
async def record_credit_entry(
    person_id: PathId,
    body: CreditEntryIn,
    request: Request,
    actor: Actor = Depends(current_actor),
) -> Response:
    entry = credit.CreditEntry(body.kind, body.note)
    return await write(
        request, actor, lambda ctx: credit.record_credit_entry(ctx, person_id, entry), status=201
    )
