"""Staff accounts over HTTP, for an administrator or an identity-management system (issue 12).

The console's own pages do the same through the same use cases. A new or reset account's
one-time password is in the answer once (stored sealed with an Idempotency-Key, like every
answer); the person sets their own and enrols an authenticator app at the first sign-in.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.actors.staff import service as staff
from sscard.actors.staff.schemas import StaffIn
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, read, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import PathId

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/staff-accounts", tags=["actors"])


@router.get("", summary="Staff accounts (a city's administrator: its city's); no secrets")
async def list_staff(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, staff.list_staff)


@router.post("", status_code=201, summary="Create a staff account; its one-time password once")
async def create_staff(
    body: StaffIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        new = staff.NewStaff(
            body.username,
            body.display_name,
            body.role,
            outlet_code=body.outlet_code,
            city_code=body.city_code,
        )
        account_id, password = await staff.create_staff(ctx, new)
        return {"id": account_id, "username": body.username, "initial_password": password}

    return await write(request, actor, use_case, status=201)


@router.post(
    "/{account_id}/reset",
    summary="A new one-time password; authenticator enrolled afresh, lock lifted, sessions ended",
)
async def reset_staff(
    account_id: PathId, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return {"id": account_id, "initial_password": await staff.reset_staff(ctx, account_id)}

    return await write(request, actor, use_case)
