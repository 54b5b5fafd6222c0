"""The application lists over HTTP (SPEC YRD-2): published for anyone (no token), a new version
by the card centre."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from sscard.ecards.endpoints import PUBLIC
from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, runtime, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import answers
from sscard.scenes.lists import service as lists
from sscard.scenes.lists.rules import ListScope
from sscard.scenes.lists.schemas import ApplicationListIn, InForceView, PublishedView

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["application lists"])
City = Query(pattern=r"^[0-9]{4}$", description="the city whose scenes ask, e.g. 3201")


@router.get(
    "/application-lists",
    summary="The application lists in force in a city today, and what they allow together "
    "(YRD-2; no token needed)",
    responses=answers(InForceView),
)
async def in_force(request: Request, city_code: str = City) -> Response:
    async with runtime(request).unit(PUBLIC, readonly=True) as ctx:
        found = await lists.published(ctx, city_code)
    return JSONResponse(jsonable_encoder(found))


@router.get(
    "/application-lists/versions",
    summary="Every version of one list, newest first (no token needed)",
)
async def versions(
    request: Request,
    scope: Literal["delta", "province", "city"] = Query(),
    city_code: str | None = Query(None, pattern=r"^[0-9]{4}$"),
) -> Response:
    async with runtime(request).unit(PUBLIC, readonly=True) as ctx:
        found = await lists.history(ctx, ListScope(scope), city_code)
    return JSONResponse(jsonable_encoder(found))


@router.post(
    "/application-lists",
    status_code=201,
    summary="Publish a new version of a list, in force from its day (YRD-2)",
    responses=answers(PublishedView, 201),
)
async def publish(
    body: ApplicationListIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: lists.publish(ctx, body.domain()), status=201)
