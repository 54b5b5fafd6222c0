"""Notifications to people and the HR credit record (SPEC REP-5, ISS-7, LOSS-2, GOV-4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, read, runtime, write
from sscard.platform.http.schemas import answers
from sscard.platform.notify import service as notifications
from sscard.platform.notify.senders import Sender, sender_from_settings
from sscard.platform.notify.service import NotificationFilter, NotificationStatus
from sscard.registry.credit import service as credit
from sscard.registry.credit.models import NOTE_MAX
from sscard.registry.credit.service import CreditKind

notification_router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])
credit_router = APIRouter(prefix="/api/v1/persons", tags=["persons"])


# ---- shapes (OpenAPI only: handlers return plain data) ----


class NotificationView(BaseModel):
    id: int
    person_id: int
    channel: str = Field(description="sms")
    template: str = Field(description="template code, e.g. repeat_exchange_reminder")
    rule: str | None = Field(description="the SPEC rule the message serves")
    params: dict[str, Any] = Field(description="template values; never personal data")
    status: str = Field(description="pending, sending, sent, failed, dead, undeliverable")
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None = Field(description="when a waiting message is due")
    sent_at: datetime | None
    last_error: str | None = Field(description="class name of the last failure")
    recipient: str | None = Field(description="masked phone the message went to")


class NotificationPage(BaseModel):
    items: list[NotificationView]
    next_after: int | None = Field(description="pass as `after` for the next page; null at the end")


class DeliveryReportView(BaseModel):
    claimed: int = Field(description="messages this pass took")
    sent: int
    failed: int = Field(description="failed this time, retried later")
    dead: int = Field(description="failed for the last allowed time")
    undeliverable: int = Field(description="the person has no phone")
    more: bool = Field(description="the batch was full: run another pass")
    ids: dict[str, list[int]] = Field(description="notification ids by outcome")


class CreditEntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: CreditKind = Field(description="malicious_repeat_exchange (REP-5) or a GOV-4 misuse")
    note: str | None = Field(
        None,
        max_length=NOTE_MAX,
        description="why, in free text; no ID numbers or phone numbers (ID-6)",
    )


class CreditEntryView(BaseModel):
    id: int
    kind: str
    kind_zh: str | None
    kind_en: str | None
    rule: str = Field(description="REP-5 or GOV-4")
    note: str | None
    at: datetime
    recorded_by: int | None = Field(description="actor id; null when recorded from the CLI")
    role: str
    channel: str
    outlet_code: str | None


class CreditRecordView(BaseModel):
    person_id: int
    entries: list[CreditEntryView]


# ---- notifications ----


@notification_router.get(
    "",
    summary="Messages to people and their delivery state (keyset paging)",
    responses=answers(NotificationPage),
)
async def list_notifications(
    request: Request,
    actor: Actor = Depends(current_actor),
    status: NotificationStatus | None = None,
    person_id: int | None = Query(None, ge=1),
    after: int = Query(0, ge=0, description="cursor from the previous page"),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    f = NotificationFilter(status, person_id, after, limit)

    async def use_case(ctx: Ctx) -> Any:
        items, cursor = await notifications.list_notifications(ctx, f)
        return {"items": items, "next_after": cursor}

    return await read(request, actor, use_case)


@notification_router.post(
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


# ---- HR credit record ----

CREDIT = "/{person_id}/credit-record"


@credit_router.get(
    CREDIT,
    summary="A person's HR credit record (REP-5, GOV-4)",
    responses=answers(CreditRecordView),
)
async def get_credit_record(
    person_id: int, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    return await read(request, actor, lambda ctx: credit.credit_record(ctx, person_id))


@credit_router.post(
    CREDIT,
    status_code=201,
    summary="Record an entry in a person's HR credit record (REP-5, GOV-4; centre only)",
    responses=answers(CreditEntryView, 201),
)
async def record_credit_entry(
    person_id: int,
    body: CreditEntryIn,
    request: Request,
    actor: Actor = Depends(current_actor),
) -> Response:
    entry = credit.CreditEntry(body.kind, body.note)
    return await write(
        request, actor, lambda ctx: credit.record_credit_entry(ctx, person_id, entry), status=201
    )


# What the app mounts: both prefixes, one module.
router = APIRouter()
router.include_router(notification_router)
router.include_router(credit_router)
