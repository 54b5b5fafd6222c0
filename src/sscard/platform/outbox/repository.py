"""Every query of the outbox and of the delivery endpoints: the dispatcher's leases, due
messages and outcomes, the endpoints' state and secrets."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    bindparam,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.config import Settings
from sscard.kernel.crypto import Vault
from sscard.kernel.db import Row, UTCDateTime
from sscard.kernel.upsert import insert_rows
from sscard.platform.outbox.extensions import HOOKS
from sscard.platform.outbox.models import delivery_endpoints, outbox
from sscard.platform.outbox.protocol import (
    Endpoint,
    OutboxStatus,
    Outgoing,
    Transport,
)
from sscard.platform.outbox.rules import (
    DELIVERED,
    FAILED,
    PENDING,
    Claimed,
    Lease,
    OutboxFilter,
    Plan,
    ReplayFilter,
    RetryPolicy,
)


def open_for(owner: str, now: datetime) -> tuple[ColumnElement[bool], ...]:
    """An endpoint this dispatcher may send to now: enabled, not paused, not leased to another."""
    e = delivery_endpoints
    return (
        e.c.enabled.is_(True),
        or_(e.c.paused_until.is_(None), e.c.paused_until <= now),
        or_(e.c.lease_until.is_(None), e.c.lease_until < now, e.c.lease_owner == owner),
    )


async def open_with_work(conn: AsyncConnection, owner: str, now: datetime) -> list[str]:
    e, o = delivery_endpoints, outbox
    due = exists().where(
        o.c.recipient == e.c.recipient, o.c.status == PENDING, o.c.next_attempt_at <= now
    )
    stmt = select(e.c.recipient).where(*open_for(owner, now), due)
    return list((await conn.execute(stmt)).scalars())


async def take_leases(
    conn: AsyncConnection,
    vault: Vault,
    owner: str,
    recipients: list[str],
    now: datetime,
    settings: Settings,
) -> list[Lease]:
    e = delivery_endpoints
    still_open = (e.c.recipient.in_(recipients), *open_for(owner, now))
    pick = select(e.c.recipient).where(*still_open).order_by(e.c.recipient)
    if conn.dialect.name == "postgresql":
        # Another dispatcher leasing the same rows right now keeps them; we skip, not wait.
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(e)
        .where(e.c.recipient.in_(pick.scalar_subquery()), *still_open)
        .values(
            lease_owner=owner,
            lease_until=now + timedelta(seconds=settings.delivery_lease_seconds),
        )
        .returning(e.c.recipient, e.c.transport, e.c.url, e.c.secret_enc, e.c.consecutive_failures)
    )
    rows = sorted((await conn.execute(stmt)).all(), key=lambda r: r.recipient)
    return [
        Lease(
            Endpoint(r.recipient, Transport(r.transport), r.url, vault.decrypt_bytes(r.secret_enc)),
            r.consecutive_failures,
        )
        for r in rows
    ]


async def due_messages(
    conn: AsyncConnection, recipient: str, now: datetime, limit: int
) -> tuple[list[Claimed], list[Outgoing]]:
    """The recipient's due messages, at most one per card: the card's earliest undelivered."""
    o = outbox
    earlier = outbox.alias("earlier")
    # "Not delivered" rather than "pending or failed": a btree cannot serve <>, so PostgreSQL
    # always looks up the card's own messages (ordering_key, id) whatever its statistics say.
    # With IN (pending, failed) a drained outbox's statistics made it scan every waiting
    # message per candidate (106 messages/s in the delivery benchmark).
    held_back = exists().where(
        earlier.c.ordering_key == o.c.ordering_key,
        earlier.c.id < o.c.id,
        earlier.c.recipient == o.c.recipient,
        earlier.c.status != DELIVERED,
    )
    stmt = (
        select(o.c.id, o.c.message_id, o.c.topic, o.c.payload, o.c.created_at, o.c.attempts)
        .where(o.c.recipient == recipient, o.c.status == PENDING, o.c.next_attempt_at <= now)
        .where(~held_back)
        .order_by(o.c.id)
        .limit(limit)
    )
    rows = (await conn.execute(stmt)).all()
    claimed = [Claimed(r.id, r.message_id, r.attempts) for r in rows]
    batch = [
        Outgoing(
            r.message_id,
            r.id,
            r.topic,
            HOOKS.card_number(r.topic, r.payload),
            r.created_at,
            r.payload,
        )
        for r in rows
    ]
    return claimed, batch


async def record_outcomes(conn: AsyncConnection, plan: Plan, now: datetime) -> None:
    """Every outcome of a batch: one UPDATE for the delivered, one executemany for the rest.

    Only rows still pending change: an administrator's replay in between is not overwritten.
    """
    o = outbox
    if plan.delivered:
        await conn.execute(
            update(o)
            .where(o.c.id.in_(plan.delivered), o.c.status == PENDING)
            .values(status=DELIVERED, delivered_at=now, attempts=o.c.attempts + 1, last_error=None)
        )
    if plan.retried:
        stmt = (
            update(o)
            .where(o.c.id == bindparam("o_id"), o.c.status == PENDING)
            .values(
                status=bindparam("o_status"),
                attempts=bindparam("o_attempts"),
                next_attempt_at=bindparam("o_next", type_=UTCDateTime()),
                last_error=bindparam("o_error"),
            )
        )
        await conn.execute(stmt, plan.retried)


async def pause(
    conn: AsyncConnection,
    recipient: str,
    failures: int,
    reason: str,
    now: datetime,
    policy: RetryPolicy,
) -> None:
    e = delivery_endpoints
    await conn.execute(
        update(e)
        .where(e.c.recipient == recipient)
        .values(
            consecutive_failures=e.c.consecutive_failures + 1,
            paused_until=now + policy.backoff(failures, random.random()),
            last_error=reason[:256],
        )
    )


async def release_leases(conn: AsyncConnection, owner: str) -> None:
    """Give up every lease this dispatcher holds."""
    e = delivery_endpoints
    stmt = update(e).where(e.c.lease_owner == owner).values(lease_owner=None, lease_until=None)
    await conn.execute(stmt)


async def resume(conn: AsyncConnection, recipient: str) -> None:
    e = delivery_endpoints
    await conn.execute(
        update(e)
        .where(e.c.recipient == recipient)
        .values(consecutive_failures=0, paused_until=None, last_error=None)
    )


async def endpoint_views(
    conn: AsyncConnection, recipient: str | None = None
) -> list[dict[str, Any]]:
    e = delivery_endpoints
    stmt = select(e).order_by(e.c.recipient)
    if recipient is not None:
        stmt = stmt.where(e.c.recipient == recipient)
    rows = [dict(r._mapping) for r in await conn.execute(stmt)]
    waiting = await waiting_by_status(conn, [r["recipient"] for r in rows])
    return [
        {
            "recipient": r["recipient"],
            "transport": r["transport"],
            "url": r["url"],
            "statement_url": r["statement_url"],
            "enabled": r["enabled"],
            "paused_until": r["paused_until"],
            "consecutive_failures": r["consecutive_failures"],
            "last_error": r["last_error"],
            "lease_owner": r["lease_owner"],
            "lease_until": r["lease_until"],
            "updated_at": r["updated_at"],
            "pending": waiting.get((r["recipient"], OutboxStatus.PENDING.value), 0),
            "failed": waiting.get((r["recipient"], OutboxStatus.FAILED.value), 0),
        }
        for r in rows
    ]


async def load_endpoints(conn: AsyncConnection, vault: Vault) -> list[Endpoint]:
    """The enabled endpoints with their secrets, decrypted."""
    e = delivery_endpoints
    stmt = (
        select(e.c.recipient, e.c.transport, e.c.url, e.c.secret_enc)
        .where(e.c.enabled)
        .order_by(e.c.recipient)
    )
    return [
        Endpoint(r.recipient, Transport(r.transport), r.url, vault.decrypt_bytes(r.secret_enc))
        for r in await conn.execute(stmt)
    ]


async def endpoint_secret(conn: AsyncConnection, vault: Vault, recipient: str) -> bytes | None:
    """The secret shared with a recipient (to verify what its bank sends us), or None."""
    e = delivery_endpoints
    stmt = select(e.c.secret_enc).where(e.c.recipient == recipient)
    blob = (await conn.execute(stmt)).scalar_one_or_none()
    return vault.decrypt_bytes(blob) if blob is not None else None


async def update_endpoint(conn: AsyncConnection, recipient: str, values: Row) -> bool:
    """Change a recipient's endpoint; False if it has none."""
    e = delivery_endpoints
    stmt = update(e).where(e.c.recipient == recipient).values(values).returning(e.c.recipient)
    return (await conn.execute(stmt)).first() is not None


async def insert_endpoint(conn: AsyncConnection, row: Row) -> None:
    """A recipient's first endpoint (a concurrent first one is overwritten, not doubled)."""
    await insert_rows(conn, delivery_endpoints, [row], keys=["recipient"], overwrite=True)


# ---- the outbox itself: writing, the administrator's pages and replays ----


async def insert_messages(conn: AsyncConnection, rows: list[Row]) -> None:
    """Several outbox rows in one statement (nothing if there are none)."""
    if rows:
        await conn.execute(insert(outbox), rows)


async def message_page(
    conn: AsyncConnection, f: OutboxFilter, ordering_key: str | None
) -> list[Row]:
    """Up to f.limit messages after f.after_id, oldest first, narrowed by the filter."""
    o = outbox
    stmt = select(o).where(o.c.id > f.after_id).order_by(o.c.id).limit(f.limit)
    if f.recipient is not None:
        stmt = stmt.where(o.c.recipient == f.recipient)
    if f.status is not None:
        stmt = stmt.where(o.c.status == f.status.value)
    if f.topic is not None:
        stmt = stmt.where(o.c.topic == f.topic)
    if ordering_key is not None:
        stmt = stmt.where(o.c.ordering_key == ordering_key)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def waiting_by_status(
    conn: AsyncConnection, recipients: list[str] | None = None
) -> dict[tuple[str, str], int]:
    """(recipient, status) -> how many pending and failed messages, of these recipients (all
    if None).

    Only what still waits: delivered rows grow without end, and counting them would read the
    whole table; pending and failed come from the (recipient, status, id) index.
    """
    o = outbox
    stmt = (
        select(o.c.recipient, o.c.status, func.count())
        .where(o.c.status.in_([PENDING, FAILED]))
        .group_by(o.c.recipient, o.c.status)
    )
    if recipients is not None:
        if not recipients:
            return {}
        stmt = stmt.where(o.c.recipient.in_(recipients))
    return {(r, s): int(n) for r, s, n in await conn.execute(stmt)}


async def oldest_pending(conn: AsyncConnection) -> list[tuple[str, datetime]]:
    """(recipient, created_at) of each recipient's oldest pending message."""
    o = outbox
    stmt = (
        select(o.c.recipient, func.min(o.c.created_at))
        .where(o.c.status == PENDING)
        .group_by(o.c.recipient)
    )
    return [(r, first) for r, first in await conn.execute(stmt)]


async def endpoint_states(conn: AsyncConnection) -> list[Row]:
    """Each endpoint's recipient, enabled, paused_until and last_error."""
    e = delivery_endpoints
    stmt = select(e.c.recipient, e.c.enabled, e.c.paused_until, e.c.last_error)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def replay_one(conn: AsyncConnection, message_id: int, values: Row) -> Row | None:
    """Set one message's delivery state to `values`; its row after, or None if there is none."""
    o = outbox
    stmt = update(o).where(o.c.id == message_id).values(values).returning(o)
    row = (await conn.execute(stmt)).first()
    return dict(row._mapping) if row is not None else None


async def replay_where(conn: AsyncConnection, f: ReplayFilter, values: Row) -> int:
    """Set the delivery state of every message the filter picks to `values`; how many."""
    o = outbox
    stmt = update(o).where(o.c.status == f.status.value).values(values)
    if f.recipient is not None:
        stmt = stmt.where(o.c.recipient == f.recipient)
    if f.from_id is not None:
        stmt = stmt.where(o.c.id >= f.from_id)
    if f.to_id is not None:
        stmt = stmt.where(o.c.id <= f.to_id)
    return (await conn.execute(stmt)).rowcount
