"""Real-name sign-in to the online hall over HTTP (issue 13 item 1): no token needed to ask for
a code or to give it; the answer to the second step is a session's bearer token."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.actors.family.schemas import ActingForIn, ActingForView
from sscard.actors.online import service as online
from sscard.actors.online.rules import NOTICE_EN, NOTICE_ZH, CodeRefused
from sscard.actors.online.schemas import ChallengeView, CodeRequestIn, SessionView, SignInIn
from sscard.actors.online.service import VISITOR
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, runtime, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import client_address
from sscard.platform.http.schemas import answers

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/online", tags=["online hall"])


@router.post(
    "/sign-in/code",
    status_code=202,
    summary="Real-name sign-in, step 1: document number and name; a code by SMS if they match",
    responses=answers(ChallengeView, 202),
)
async def request_code(body: CodeRequestIn, request: Request) -> Any:
    started = time.monotonic()
    async with runtime(request).unit(VISITOR) as ctx:
        found = await online.request_code(
            ctx, body.social_security_number, body.name, client=client_address(request)
        )
    await online.evenly(started)
    return {
        "challenge": found.token,
        "expires_at": found.expires_at,
        "notice_zh": NOTICE_ZH,
        "notice_en": NOTICE_EN,
    }


@router.post(
    "/sign-in",
    summary="Real-name sign-in, step 2: the code; a session token of the cardholder",
    responses=answers(SessionView),
)
async def sign_in(body: SignInIn, request: Request) -> Any:
    async with runtime(request).unit(VISITOR) as ctx:  # a wrong code's try is committed
        outcome = await online.sign_in(
            ctx, body.challenge, body.code, client=client_address(request)
        )
    if isinstance(outcome, CodeRefused):
        raise outcome
    return {
        "token": outcome.token,
        "person_id": outcome.person_id,
        "expires_at": outcome.expires_at,
    }


@router.post("/sign-out", status_code=204, summary="End this online session")
async def sign_out(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    async with runtime(request).unit(actor) as ctx:
        await online.sign_out(ctx, token)
    return Response(status_code=204)


@router.post(
    "/acting-for",
    summary="Act for a bound dependant in this session (ECARD-4), or back to oneself",
    responses=answers(ActingForView),
)
async def acting_for(
    body: ActingForIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    binding_id = body.binding_id

    async def switch(ctx: Ctx) -> dict[str, Any]:
        return {"acting_for": await online.act_for(ctx, token, binding_id)}

    return await write(request, actor, switch)
