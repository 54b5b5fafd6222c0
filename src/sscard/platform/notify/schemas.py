"""Response shapes of notifications, for the OpenAPI document (handlers return plain data)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


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
