"""The card's hr password: set, change, verify, reset (SPEC PWD-1..3)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.cards.passwords import service
from sscard.cards.passwords.schemas import (
    HrPasswordChangeView,
    HrPasswordResetIn,
    HrPasswordSetIn,
    HrPasswordStateView,
    HrPasswordVerdictView,
    HrPasswordVerifyIn,
)
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import UseCase, current_actor, read, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import PROBLEMS, answers

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/cards", tags=["hr password"])
PATH = "/{card_number}/hr-password"


def _answers(model: Any) -> dict[int | str, dict[str, Any]]:
    return {**answers(model), 423: PROBLEMS[409]}


async def _write(request: Request, actor: Actor, use_case: UseCase) -> Response:
    """Commit the answer (a counted wrong try, a lock), then report a refusal if it is one."""
    response = await write(request, actor, use_case)
    refusal = service.refusal_of(orjson.loads(bytes(response.body)))
    if refusal is not None:
        raise refusal
    return response


@router.get(
    PATH,
    summary="Whether the card has an hr password and whether it is locked (PWD-3)",
    responses=answers(HrPasswordStateView),
)
async def hr_password_state(
    card_number: str, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await read(request, actor, lambda ctx: service.state_of(ctx, card_number))


@router.put(
    PATH,
    summary="Set the hr password (holder's ID) or change it (old password) at an outlet (PWD-1/2)",
    responses=_answers(HrPasswordChangeView),
)
async def set_hr_password(
    card_number: str, body: HrPasswordSetIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return await service.set_password(
            ctx,
            card_number,
            body.new_password.get_secret_value(),
            body.old_password.get_secret_value() if body.old_password else None,
            body.document.domain() if body.document else None,
        )

    return await _write(request, actor, use_case)


@router.post(
    PATH + "/verify",
    summary="Check the hr password: verified, or wrong with the tries left; 423 once locked",
    responses=_answers(HrPasswordVerdictView),
)
async def verify_hr_password(
    card_number: str,
    body: HrPasswordVerifyIn,
    request: Request,
    actor: Actor = Depends(current_actor),
) -> Response:
    password = body.password.get_secret_value()
    return await _write(request, actor, lambda ctx: service.verify(ctx, card_number, password))


@router.post(
    PATH + "/reset",
    summary="Reset the hr password with the card and the holder's ID; unlocks it (PWD-3)",
    responses=_answers(HrPasswordChangeView),
)
async def reset_hr_password(
    card_number: str,
    body: HrPasswordResetIn,
    request: Request,
    actor: Actor = Depends(current_actor),
) -> Response:
    password, document = body.new_password.get_secret_value(), body.document.domain()
    return await _write(
        request, actor, lambda ctx: service.reset(ctx, card_number, password, document)
    )
