"""Family binding over HTTP (SPEC ECARD-4): recorded at an outlet, read, ended. The hall's
switch to act for a dependant is `POST /api/v1/online/acting-for` (actors.online)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.actors.family import service as family
from sscard.actors.family.schemas import BindingIn, BindingsView, BindingView
from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read_recorded, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import PathId, id_filter
from sscard.platform.http.schemas import answers

router = APIRouter(
    route_class=GuardedRoute, prefix="/api/v1/family-bindings", tags=["family binding"]
)


@router.post(
    "",
    status_code=201,
    summary="Record a family binding, the relation's proof checked at this outlet (ECARD-4)",
    responses=answers(BindingView, 201),
)
async def record_binding(
    body: BindingIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    new = body.to_new_binding()
    return await write(request, actor, lambda ctx: family.record_binding(ctx, new), status=201)


@router.get(
    "",
    summary="A person's family bindings: a clerk's presented person, a cardholder's own",
    responses=answers(BindingsView),
)
async def list_bindings(
    request: Request,
    person_id: int | None = id_filter("the person (a clerk); a cardholder reads their own"),
    actor: Actor = Depends(current_actor),
) -> Any:
    return await read_recorded(request, actor, lambda ctx: family.bindings(ctx, person_id))


@router.post(
    "/{binding_id}/end",
    summary="End a family binding: at an outlet, or online by the relative or an elderly dependant",
    responses=answers(BindingView),
)
async def end_binding(
    binding_id: PathId, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: family.end_binding(ctx, binding_id))
