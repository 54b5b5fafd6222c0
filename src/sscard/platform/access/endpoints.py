"""The access log over HTTP, for auditors (issue 11, SPEC GOV-5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from sscard.kernel.actor import Actor
from sscard.platform.access import service as access
from sscard.platform.access.schemas import AccessPage, VerifyView
from sscard.platform.http.deps import current_actor, read
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import cursor, id_filter
from sscard.platform.http.schemas import answers
from sscard.platform.paging import page

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/access-log", tags=["audit"])


@router.get(
    "",
    summary="Who read which full record, when and why (auditor)",
    responses=answers(AccessPage),
)
async def list_entries(
    request: Request,
    actor: Actor = Depends(current_actor),
    person_id: int | None = id_filter("only reads of this person"),
    actor_id: int | None = id_filter("only reads by this actor"),
    since: datetime | None = Query(None, description="from this moment (ISO 8601 with zone)"),
    until: datetime | None = Query(None, description="before this moment"),
    after: int = cursor(),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    f = access.LogFilter(person_id, actor_id, since, until, after, limit)
    return await read(request, actor, lambda ctx: page(access.entries(ctx, f)))


@router.get(
    "/verify",
    summary="Recompute every reader's SM3 chain; a changed, removed or inserted entry shows",
    responses=answers(VerifyView),
)
async def verify(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    async def use_case(ctx: Any) -> Any:
        chains = await access.verify(ctx)
        return {"intact": all(c["broken_at"] is None for c in chains), "chains": chains}

    return await read(request, actor, use_case)
