"""The ecard password over HTTP (SPEC ECARD-3, PWD-2/3): the holder sets or changes it and
shows a code that pays at a hospital with it; an outlet resets it."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from sscard.ecards.password import service
from sscard.ecards.password.schemas import (
    EcardPasswordIn,
    EcardPasswordResetIn,
    EcardPasswordView,
    MedicalQrIn,
    MedicalQrView,
)
from sscard.kernel.actor import Actor
from sscard.platform.http.deps import UseCase, current_actor, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.schemas import PROBLEMS, answers

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["ecard"])
CardNumber = Path(pattern=r"^[A-Za-z][0-9]{8}$", description="the card number")


def _answers(model: Any) -> dict[int | str, dict[str, Any]]:
    return {**answers(model), 423: PROBLEMS[409]}


async def _write(request: Request, actor: Actor, use_case: UseCase) -> Response:
    """Commit the answer (a counted wrong try, a lock), then report a refusal if it is one."""
    response = await write(request, actor, use_case)
    refusal = service.refusal_of(orjson.loads(bytes(response.body)))
    if refusal is not None:
        raise refusal
    return response


@router.put(
    "/me/ecard/password",
    summary="Set my ecard password, or change it with the current one (PWD-2/3)",
    responses=_answers(EcardPasswordView),
)
async def set_password(
    body: EcardPasswordIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    new = body.new_password.get_secret_value()
    old = body.old_password.get_secret_value() if body.old_password else None
    return await _write(request, actor, lambda ctx: service.set_password(ctx, new, old))


@router.post(
    "/me/ecard/medical-qr",
    summary="A code of my ecard that pays at a hospital: with the ecard password (ECARD-3)",
    responses=_answers(MedicalQrView),
)
async def medical_qr(
    body: MedicalQrIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    password = body.password.get_secret_value()
    return await _write(
        request, actor, lambda ctx: service.show_medical_qr(ctx, password, body.channel)
    )


@router.post(
    "/cards/{card_number}/ecard-password/reset",
    summary="Reset the ecard password at an outlet with the card and the holder's ID (PWD-3)",
    responses=_answers(EcardPasswordView),
)
async def reset_password(
    body: EcardPasswordResetIn,
    request: Request,
    card_number: str = CardNumber,
    actor: Actor = Depends(current_actor),
) -> Response:
    new, document = body.new_password.get_secret_value(), body.document.domain()
    return await _write(
        request, actor, lambda ctx: service.reset_password(ctx, card_number, new, document)
    )
