"""Persons over HTTP as the counter sees them: register, attach a photo, look up (ID-1..6)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.applications.counter import service as counter
from sscard.applications.counter.schemas import PersonOverview
from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read_recorded, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import PathId
from sscard.platform.http.schemas import answers
from sscard.registry.schemas import LookupIn, PersonIn

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/persons", tags=["persons"])


@router.post(
    "",
    status_code=201,
    summary="Register a person with an identity document",
    responses=answers(PersonOverview, 201),
)
async def register(
    body: PersonIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    registration = body.domain()
    return await write(request, actor, lambda ctx: counter.register(ctx, registration), status=201)


@router.put(
    "/{person_id}/photo",
    summary="Attach the person's photo (raw image/jpeg body), checked against the standard",
    responses=answers(PersonOverview),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def put_photo(
    person_id: PathId, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    photo = await request.body()
    return await write(request, actor, lambda ctx: counter.attach_photo(ctx, person_id, photo))


@router.get(
    "/{person_id}",
    summary="A person, masked, with cards and open application",
    responses=answers(PersonOverview),
)
async def get_person(
    person_id: PathId, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    return await read_recorded(request, actor, lambda ctx: counter.person_overview(ctx, person_id))


@router.post(
    "/lookup",
    summary="Find a person by social security number (in the body, never in the URL)",
    description="Read-only, so naturally idempotent; an Idempotency-Key is accepted and ignored.",
    responses=answers(PersonOverview),
)
async def lookup(body: LookupIn, request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read_recorded(
        request, actor, lambda ctx: counter.lookup_by_ssn(ctx, body.social_security_number)
    )
