"""Persons: register, attach a photo, look up (SPEC ID-1..6, APP-5)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.applications import service as applications
from sscard.applications.counter.schemas import PersonOverview
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import InvalidInput
from sscard.platform.http.deps import current_actor, read, write
from sscard.platform.http.schemas import answers
from sscard.registry import service as registry
from sscard.registry.schemas import LookupIn, PersonIn

router = APIRouter(prefix="/api/v1/persons", tags=["persons"])
MAX_PHOTO_BYTES = 1_000_000


@router.post(
    "",
    status_code=201,
    summary="Register a person with an identity document",
    responses=answers(PersonOverview, 201),
)
async def register(
    body: PersonIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        person_id = await registry.register_person(ctx, body.domain())
        return await applications.person_overview(ctx, person_id)

    return await write(request, actor, use_case, status=201)


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
async def put_photo(person_id: int, request: Request, actor: Actor = Depends(current_actor)) -> Any:
    photo = await request.body()
    if not photo or len(photo) > MAX_PHOTO_BYTES:
        raise InvalidInput(
            field="photo",
            field_name="photo",
            reason_zh="须为1 MB以内的JPEG文件",
            reason_en="must be a JPEG file of at most 1 MB",
        )
    rt = request.app.state.runtime
    async with rt.unit(actor) as ctx:
        await registry.attach_photo(ctx, person_id, photo)
        return await applications.person_overview(ctx, person_id)


@router.get(
    "/{person_id}",
    summary="A person, masked, with cards and open application",
    responses=answers(PersonOverview),
)
async def get_person(
    person_id: int, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    return await read(request, actor, lambda ctx: applications.person_overview(ctx, person_id))


@router.post(
    "/lookup",
    summary="Find a person by social security number (in the body, never in the URL)",
    description="Read-only, so naturally idempotent; an Idempotency-Key is accepted and ignored.",
    responses=answers(PersonOverview),
)
async def lookup(body: LookupIn, request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(
        request, actor, lambda ctx: applications.lookup_by_ssn(ctx, body.social_security_number)
    )
