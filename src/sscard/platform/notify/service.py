"""The notification outbox: messages to people, enqueued in the business transaction, sent later.

SPEC REP-5 (repeat-exchange SMS), ISS-7 (expiry reminder), LOSS-2 (report the bank side too).
`enqueue` writes one row in the caller's transaction; nothing is sent there. `deliver_pending`
runs outside any business transaction: it claims a batch and commits, resolves each person's
phone from the registry (decrypted only now, SPEC ID-6), sends through a pluggable sender with
no transaction open, then records every outcome in one more short transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.actor import Actor, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.runtime import Runtime
from sscard.platform.notify import repository as repo
from sscard.platform.notify.delivery import DeliveryReport, deliver_pending
from sscard.platform.notify.permissions import DELIVER_NOTIFICATIONS, VIEW_NOTIFICATIONS
from sscard.platform.notify.rules import CHANNELS, NotificationFilter, NotificationStatus
from sscard.platform.notify.senders import Sender
from sscard.platform.notify.templates import TEMPLATES, clean_params, secret_codes
from sscard.platform.paging import next_cursor

# ---- the outbox ----


async def enqueue(
    conn: AsyncConnection,
    *,
    person_id: int,
    template: str,
    params: dict[str, Any],
    at: datetime,
    channel: str = "sms",
) -> int:
    """Queue one message to a person in the caller's transaction; returns its id."""
    return await repo.insert_one(conn, _new_row(person_id, template, params, at, channel))


async def enqueue_many(
    conn: AsyncConnection, messages: Iterable[Mapping[str, Any]], *, at: datetime
) -> int:
    """Queue many messages in one statement, in the caller's transaction; returns how many.

    Each message is a mapping with person_id, template, params and optionally channel.
    """
    rows = [
        _new_row(m["person_id"], m["template"], m["params"], at, m.get("channel", "sms"))
        for m in messages
    ]
    await repo.insert_many(conn, rows)
    return len(rows)


def _new_row(
    person_id: int, template: str, params: dict[str, Any], at: datetime, channel: str
) -> dict[str, Any]:
    if channel not in CHANNELS:
        raise ValueError(f"unknown notification channel {channel!r}")
    return {
        "person_id": person_id,
        "channel": channel,
        "template": template,
        "params": clean_params(template, params),
        "status": NotificationStatus.PENDING.value,
        "attempts": 0,
        "created_at": at,
        "next_attempt_at": at,
    }


# ---- operator use cases ----


async def list_notifications(
    ctx: Ctx, f: NotificationFilter
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of notifications with their delivery state, and the next page's cursor."""
    authorize(ctx.actor, VIEW_NOTIFICATIONS)
    rows = await repo.notification_page(ctx.conn, f)
    cursor = next_cursor(rows, f.limit)
    return [notification_view(r) for r in rows], cursor


async def latest_of_person(ctx: Ctx, person_id: int, limit: int) -> list[dict[str, Any]]:
    """The person's latest messages, newest first, for the person's own view (the caller has
    authorized the read: the online hall shows a cardholder their own). One-time secrets (a
    sign-in code) are never listed: they are for the phone alone."""
    rows = await repo.latest_of_person(ctx.conn, person_id, limit, secret_codes())
    return [notification_view(r) for r in rows]


def notification_view(row: dict[str, Any]) -> dict[str, Any]:
    """What an operator sees of one message: its state, never the phone in clear."""
    waiting = row["status"] in (NotificationStatus.PENDING, NotificationStatus.FAILED)
    return {
        "id": row["id"],
        "person_id": row["person_id"],
        "channel": row["channel"],
        "template": row["template"],
        "rule": template.rule if (template := TEMPLATES.get(row["template"])) else None,
        "params": row["params"],
        "status": row["status"],
        "attempts": row["attempts"],
        "created_at": row["created_at"],
        "next_attempt_at": row["next_attempt_at"] if waiting else None,
        "sent_at": row["sent_at"],
        "last_error": row["last_error"],
        "recipient": row["recipient_masked"],
    }


async def deliver(rt: Runtime, actor: Actor, sender: Sender, batch: int = 500) -> DeliveryReport:
    """An operator's delivery pass (SPEC REP-5): authorized, then run outside any transaction."""
    authorize(actor, DELIVER_NOTIFICATIONS)
    return await deliver_pending(rt, sender, batch)
