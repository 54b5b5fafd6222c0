"""Actors and their tokens over HTTP: who a token belongs to, creating and revoking (SPEC CH-1)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.actors import service as actors
from sscard.actors.schemas import ActorIn
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, read, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import PathId

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["actors"])


@router.get("/me", summary="Who the token belongs to")
async def me(actor: Actor = Depends(current_actor)) -> Any:
    return {
        "id": actor.id,
        "role": actor.role,
        "channel": actor.channel,
        "display_name": actor.display_name,
        "outlet_id": actor.outlet_id,
        "city_code": actor.city_code,
        "bank_code": actor.bank_code,
    }


@router.post("/actors", status_code=201, summary="Create an actor and its token (admin)")
async def create_actor(
    body: ActorIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        new = actors.NewActor(
            body.role,
            body.display_name,
            body.outlet_code,
            body.bank_code,
            body.city_code,
            body.person_id,
            body.unit_code,
        )
        actor_id, token = await actors.create_actor(ctx, new)
        return {"id": actor_id, "role": body.role, "token": token}

    return await write(request, actor, use_case, status=201)


@router.get("/actors", summary="All actors (admin); tokens are never shown again")
async def list_actors(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, actors.list_actors)


@router.post("/actors/{actor_id}/deactivate", summary="Stop an actor's token working (admin)")
async def deactivate(
    actor_id: PathId, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        await actors.deactivate_actor(ctx, actor_id)
        return {"id": actor_id, "active": False}

    return await write(request, actor, use_case)
