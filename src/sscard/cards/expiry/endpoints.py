"""The 10-year financial validity over HTTP: expiring cards and their reminders (SPEC ISS-7)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from sscard.cards.expiry import service as expiry
from sscard.cards.expiry.rules import EXPIRY_WINDOW_DAYS
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, read, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import cursor
from sscard.platform.paging import page

# Mounted before cards' /{card_number}, which would otherwise take /expiring.
router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/cards", tags=["cards"])


@router.get(
    "/expiring",
    summary="Live cards whose 10-year financial validity ends within N days, or ended (ISS-7)",
)
async def expiring(
    request: Request,
    actor: Actor = Depends(current_actor),
    within_days: int = Query(EXPIRY_WINDOW_DAYS, ge=0, le=3660),
    city_code: str | None = Query(None, pattern=r"^32[0-9]{2}$"),
    after: int = cursor(),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    return await read(
        request,
        actor,
        lambda ctx: page(expiry.expiring(ctx, within_days, city_code, after, limit)),
    )


@router.post(
    "/expiry-reminders",
    summary="Queue one reminder per card expiring within N days, not yet reminded (ISS-7)",
)
async def expiry_reminders(
    request: Request,
    actor: Actor = Depends(current_actor),
    within_days: int = Query(EXPIRY_WINDOW_DAYS, ge=0, le=3660),
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return {"queued": await expiry.send_reminders(ctx, within_days)}

    return await write(request, actor, use_case)
