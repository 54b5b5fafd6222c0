"""The outbox: messages to other parties, written in the same transaction as the change that
causes them, and what an administrator sees and replays of them.

Delivery (dispatcher.py) reads this table; nothing is sent inside a business transaction. Each
message has its own id, which the receiver uses to drop a second delivery. Payloads hold no
personal data (an enricher adds it at delivery), so they are shown as stored. Replay makes
messages pending and due now with their attempts reset, keeping their message ids, so a
recipient that had them answers `duplicate`; a failed message holds its card's later messages
back, and replaying it lets them all go, in order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import NotFound, invalid
from sscard.platform.outbox.extensions import HOOKS
from sscard.platform.outbox.models import delivery_endpoints, outbox
from sscard.platform.outbox.permissions import REPLAY_OUTBOX, VIEW_OUTBOX
from sscard.platform.outbox.protocol import OutboxStatus, card_number_of

PENDING = "pending"


def new_row(
    *, topic: str, recipient: str, ordering_key: str, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    return {
        "message_id": str(uuid.uuid4()),
        "topic": topic,
        "recipient": recipient,
        "ordering_key": ordering_key,
        "payload": payload,
        "created_at": at,
        "status": PENDING,
        "next_attempt_at": at,
        "attempts": 0,
    }


async def enqueue(
    conn: AsyncConnection,
    *,
    topic: str,
    recipient: str,
    ordering_key: str,
    payload: dict[str, Any],
    at: datetime,
) -> None:
    row = new_row(
        topic=topic, recipient=recipient, ordering_key=ordering_key, payload=payload, at=at
    )
    await conn.execute(insert(outbox).values(row))


async def enqueue_many(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """Several messages (each made with new_row) in one statement, for set-based work."""
    if rows:
        await conn.execute(insert(outbox), rows)


# ---- the administrator's view ----

REPLAYABLE = frozenset({OutboxStatus.FAILED, OutboxStatus.DELIVERED})


@dataclass(frozen=True)
class OutboxFilter:
    recipient: str | None = None
    status: OutboxStatus | None = None
    topic: str | None = None
    card_number: str | None = None
    after_id: int = 0
    limit: int = 100


async def list_outbox(ctx: Ctx, f: OutboxFilter) -> tuple[list[dict[str, Any]], int | None]:
    """A page of messages, oldest first, and the next page's cursor (None at the end)."""
    authorize(ctx.actor, VIEW_OUTBOX)
    o = outbox
    stmt = select(o).where(o.c.id > f.after_id).order_by(o.c.id).limit(f.limit)
    if f.recipient is not None:
        stmt = stmt.where(o.c.recipient == f.recipient)
    if f.status is not None:
        stmt = stmt.where(o.c.status == f.status.value)
    if f.topic is not None:
        stmt = stmt.where(o.c.topic == f.topic)
    if f.card_number is not None:
        key = await HOOKS.card_key(ctx.conn, f.card_number) if HOOKS.card_key else None
        if key is None:
            return [], None
        stmt = stmt.where(o.c.ordering_key == key)
    rows = [dict(r._mapping) for r in await ctx.conn.execute(stmt)]
    cursor = rows[-1]["id"] if len(rows) == f.limit else None
    return [message_view(r) for r in rows], cursor


def message_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "message_id": row["message_id"],
        "topic": row["topic"],
        "recipient": row["recipient"],
        "status": row["status"],
        "attempts": row["attempts"],
        "created_at": row["created_at"],
        "next_attempt_at": row["next_attempt_at"],
        "delivered_at": row["delivered_at"],
        "last_error": row["last_error"],
        "card_number": card_number_of(row["payload"]),
        "payload": row["payload"],
    }


async def outbox_stats(ctx: Ctx) -> dict[str, Any]:
    """Per recipient: messages pending and failed, the oldest pending one's age, its endpoint."""
    authorize(ctx.actor, VIEW_OUTBOX)
    o, e = outbox, delivery_endpoints
    # Only what still waits: delivered rows grow without end, and counting them would read the
    # whole table; pending and failed come from the (recipient, status, id) index.
    waiting = o.c.status.in_([OutboxStatus.PENDING.value, OutboxStatus.FAILED.value])
    counts = (
        select(o.c.recipient, o.c.status, func.count())
        .where(waiting)
        .group_by(o.c.recipient, o.c.status)
    )
    oldest = (
        select(o.c.recipient, func.min(o.c.created_at))
        .where(o.c.status == OutboxStatus.PENDING.value)
        .group_by(o.c.recipient)
    )
    ends = select(e.c.recipient, e.c.enabled, e.c.paused_until, e.c.last_error)
    by: dict[str, dict[str, Any]] = {}

    def entry(recipient: str) -> dict[str, Any]:
        return by.setdefault(recipient, _empty_stats(recipient))

    for recipient, status, n in await ctx.conn.execute(counts):
        entry(recipient)[status] = int(n)
    for recipient, first in await ctx.conn.execute(oldest):
        entry(recipient).update(_age(first, ctx.now))
    for r in await ctx.conn.execute(ends):
        entry(r.recipient).update(
            has_endpoint=True,
            enabled=r.enabled,
            paused_until=r.paused_until,
            last_error=r.last_error,
        )
    return {"recipients": [by[k] for k in sorted(by)], "at": ctx.now}


def _empty_stats(recipient: str) -> dict[str, Any]:
    return {
        "recipient": recipient,
        OutboxStatus.PENDING.value: 0,
        OutboxStatus.FAILED.value: 0,
        "oldest_pending_at": None,
        "oldest_pending_age_seconds": None,
        "has_endpoint": False,
        "enabled": None,
        "paused_until": None,
        "last_error": None,
    }


def _age(first: datetime | None, now: datetime) -> dict[str, Any]:
    if first is None:
        return {}
    return {"oldest_pending_at": first, "oldest_pending_age_seconds": (now - first).total_seconds()}


@dataclass(frozen=True)
class ReplayFilter:
    status: OutboxStatus
    recipient: str | None = None
    from_id: int | None = None
    to_id: int | None = None


def _replayed(ctx: Ctx) -> dict[str, Any]:
    return {
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": ctx.now,
        "delivered_at": None,
        "last_error": None,
    }


async def replay_message(ctx: Ctx, message_id: int) -> dict[str, Any]:
    """Send one message again now: failed, delivered (the bank answers duplicate) or waiting."""
    authorize(ctx.actor, REPLAY_OUTBOX)
    o = outbox
    stmt = update(o).where(o.c.id == message_id).values(_replayed(ctx)).returning(o)
    row = (await ctx.conn.execute(stmt)).first()
    if row is None:
        raise NotFound(field="id", what_zh="待发消息", what_en="Outbox message")
    return {"replayed": 1, "message": message_view(dict(row._mapping))}


async def replay(ctx: Ctx, f: ReplayFilter) -> dict[str, Any]:
    """Send every failed (or delivered) message the filter picks again; one UPDATE."""
    authorize(ctx.actor, REPLAY_OUTBOX)
    if f.status not in REPLAYABLE:
        raise invalid(
            "status",
            "只能重发 failed 或 delivered 的消息",
            "only failed or delivered messages can be replayed",
        )
    o = outbox
    stmt = update(o).where(o.c.status == f.status.value).values(_replayed(ctx))
    if f.recipient is not None:
        stmt = stmt.where(o.c.recipient == f.recipient)
    if f.from_id is not None:
        stmt = stmt.where(o.c.id >= f.from_id)
    if f.to_id is not None:
        stmt = stmt.where(o.c.id <= f.to_id)
    result = await ctx.conn.execute(stmt)
    return {"replayed": result.rowcount}
