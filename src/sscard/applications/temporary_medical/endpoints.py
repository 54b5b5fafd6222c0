"""The temporary medical card over HTTP (SPEC REP-1)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.applications.temporary_medical import service as temporary_medical
from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read_recorded, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import PathId

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["after issue"])


@router.post(
    "/persons/{person_id}/temporary-medical-cards",
    status_code=201,
    summary="Issue a temporary medical card while the new card is made (REP-1)",
)
async def issue_temporary_medical_card(
    person_id: PathId, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(
        request, actor, lambda ctx: temporary_medical.issue(ctx, person_id), status=201
    )


@router.get(
    "/persons/{person_id}/temporary-medical-cards",
    summary="A person's temporary medical cards, valid or ended (REP-1)",
)
async def temporary_medical_cards(
    person_id: PathId, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    return await read_recorded(
        request, actor, lambda ctx: temporary_medical.of_person(ctx, person_id)
    )
