"""Outbound delivery to banks: the outbox and the endpoints (administrators)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import PathId, cursor
from sscard.platform.http.schemas import answers
from sscard.platform.outbox import rules, service
from sscard.platform.outbox.protocol import OutboxStatus
from sscard.platform.outbox.rules import OutboxFilter, ReplayFilter
from sscard.platform.outbox.schemas import (
    EndpointIn,
    EndpointSetView,
    EndpointView,
    OutboxPage,
    OutboxStats,
    ReplayedView,
    ReplayIn,
)
from sscard.platform.paging import page

outbox_router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/outbox", tags=["delivery"])
endpoint_router = APIRouter(
    route_class=GuardedRoute, prefix="/api/v1/delivery-endpoints", tags=["delivery"]
)


# ---- the outbox ----


@outbox_router.get(
    "",
    summary="Messages to banks and their delivery state (keyset paging)",
    responses=answers(OutboxPage),
)
async def list_outbox(
    request: Request,
    actor: Actor = Depends(current_actor),
    recipient: str | None = Query(None, max_length=32),
    status: OutboxStatus | None = None,
    topic: str | None = Query(None, max_length=64),
    card_number: str | None = Query(None, max_length=9),
    after_id: int = cursor(),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    f = OutboxFilter(recipient, status, topic, card_number, after_id, limit)

    return await read(request, actor, lambda ctx: page(service.list_outbox(ctx, f)))


@outbox_router.get(
    "/stats",
    summary="Per recipient: messages by status, oldest pending, endpoint",
    responses=answers(OutboxStats),
)
async def stats(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, service.outbox_stats)


@outbox_router.post(
    "/replay",
    summary="Send the failed (or delivered) messages a filter picks again",
    responses=answers(ReplayedView),
)
async def replay(
    body: ReplayIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    f = ReplayFilter(OutboxStatus(body.status), body.recipient, body.from_id, body.to_id)
    return await write(request, actor, lambda ctx: service.replay(ctx, f))


@outbox_router.post(
    "/{message_id}/replay",
    summary="Send one message again now, with the same message id",
)
async def replay_one(
    message_id: PathId, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: service.replay_message(ctx, message_id))


# ---- endpoints ----


@endpoint_router.get("", summary="Every recipient's endpoint and its state (never the secret)")
async def list_endpoints(request: Request, actor: Actor = Depends(current_actor)) -> Any:
    return await read(request, actor, service.list_endpoints)


@endpoint_router.put(
    "/{recipient}",
    summary="Create or change a recipient's endpoint; a generated secret is shown once",
    responses=answers(EndpointSetView),
)
async def set_endpoint(
    recipient: str, body: EndpointIn, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    secret = rules.parse_secret_hex(body.secret_hex)
    return await write(
        request,
        actor,
        lambda ctx: service.set_endpoint(
            ctx, recipient, body.transport, body.url, body.statement_url, secret
        ),
    )


@endpoint_router.post(
    "/{recipient}/enable",
    summary="Deliver to this recipient again (ends any pause)",
    responses=answers(EndpointView),
)
async def enable(
    recipient: str, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: service.set_enabled(ctx, recipient, True))


@endpoint_router.post(
    "/{recipient}/disable",
    summary="Stop delivering to this recipient; its messages wait",
    responses=answers(EndpointView),
)
async def disable(
    recipient: str, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: service.set_enabled(ctx, recipient, False))


router = APIRouter(
    route_class=GuardedRoute,
)
router.include_router(outbox_router)
router.include_router(endpoint_router)
