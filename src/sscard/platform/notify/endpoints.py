"""Notifications to people over HTTP: the queue and a delivery pass (SPEC REP-5, ISS-7, LOSS-2)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from sscard.kernel.actor import Actor
from sscard.platform.http.deps import current_actor, read, runtime
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import cursor, id_filter
from sscard.platform.http.schemas import answers
from sscard.platform.notify import service as notifications
from sscard.platform.notify.rules import NotificationFilter, NotificationStatus
from sscard.platform.notify.schemas import DeliveryReportView, NotificationPage
from sscard.platform.notify.senders import Sender, sender_from_settings
from sscard.platform.paging import page

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1/notifications", tags=["notifications"])


@router.get(
    "",
    summary="Messages to people and their delivery state (keyset paging)",
    responses=answers(NotificationPage),
)
async def list_notifications(
    request: Request,
    actor: Actor = Depends(current_actor),
    status: NotificationStatus | None = None,
    person_id: int | None = id_filter(),
    after: int = cursor(),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    f = NotificationFilter(status, person_id, after, limit)

    return await read(request, actor, lambda ctx: page(notifications.list_notifications(ctx, f)))


@router.post(
    "/deliver",
    summary="Run one delivery pass now (REP-5); a repeated pass never sends a message twice",
    responses=answers(DeliveryReportView),
)
async def deliver(
    request: Request,
    actor: Actor = Depends(current_actor),
    batch: int = Query(500, ge=1, le=5000, description="at most this many messages"),
) -> Any:
    # No request transaction wraps this: the pass claims and commits, sends with no
    # transaction open, then records the outcomes in its own short transaction.
    report = await notifications.deliver(runtime(request), actor, _sender(request), batch)
    return report.as_dict()


def _sender(request: Request) -> Sender:
    """One sender per process, chosen by SSCARD_NOTIFICATION_SENDER."""
    state = request.app.state
    sender: Sender | None = getattr(state, "notification_sender", None)
    if sender is None:
        sender = state.notification_sender = sender_from_settings(runtime(request).settings)
    return sender
