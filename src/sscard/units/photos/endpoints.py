"""The unit's photo supplements over HTTP (SPEC APP-3, APP-5)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers
from sscard.units.photos import service
from sscard.units.photos.schemas import MemberPhotoView

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/units", tags=["units"])


@router.put(
    "/batches/{reference}/members/{row_number}/photo",
    summary="Supply a member's photo (raw image/jpeg body), checked against the standard",
    responses=answers(MemberPhotoView),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def supply_photo(
    request: Request,
    reference: str,
    row_number: int = Path(ge=1, le=10_000_000),
    actor: Actor = Depends(current_actor),
) -> Response:
    photo = await request.body()
    return await write(
        request, actor, lambda ctx: service.supply_photo(ctx, reference, row_number, photo)
    )
