"""The card centre's statistics over HTTP (SPEC GOV-6): thin routes over the service."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers
from sscard.statistics import service as statistics
from sscard.statistics.schemas import Dashboard, Rebuilt

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/statistics", tags=["statistics"])


@router.get(
    "/dashboard",
    summary="Cards issued, applications, losses and unlocks, overdue work, deliveries (GOV-6)",
    description=(
        "For a city's centre administrator its own city; the province's administrator sees the "
        "province or one city. Flows are counted in the period that ends today (Beijing); open "
        "work, overdue work and deliveries are counted now."
    ),
    responses=answers(Dashboard),
)
async def dashboard(
    request: Request,
    actor: Actor = Depends(current_actor),
    city: str | None = Query(None, min_length=4, max_length=4, description="a city code"),
    days: int = Query(statistics.DEFAULT_PERIOD, description="7, 30, 90 or 365"),
) -> Any:
    f = statistics.DashboardFilter(city, days)
    return await read(request, actor, lambda ctx: statistics.dashboard(ctx, f))


@router.post(
    "/rebuild",
    summary="Count every figure again from the cards, applications and history (repair)",
    responses=answers(Rebuilt),
)
async def rebuild(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await write(request, actor, statistics.rebuild)
