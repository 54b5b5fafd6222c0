"""Base-data corrections over HTTP (SPEC REP-2b, JUR-3)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import PathId
from sscard.registry.corrections import service as corrections
from sscard.registry.corrections.schemas import CorrectionIn

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["after issue"])


@router.post(
    "/persons/{person_id}/base-data-corrections",
    status_code=201,
    summary="Correct name or document number with the police certificate (REP-2b, JUR-3)",
)
async def correct_base_data(
    person_id: PathId, body: CorrectionIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(
        request,
        actor,
        lambda ctx: corrections.correct_base_data(ctx, body.domain(person_id)),
        status=201,
    )
