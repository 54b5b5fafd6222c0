"""Every query of the notifications table: queueing, the operator's pages, claiming due
messages for a delivery pass and recording what became of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.db import Row, UTCDateTime
from sscard.platform.notify.models import notifications
from sscard.platform.notify.rules import LEASE, NotificationFilter, NotificationStatus


async def insert_one(conn: AsyncConnection, row: Row) -> int:
    """Queue one notification row; its id."""
    stmt = insert(notifications).values(**row).returning(notifications.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def insert_many(conn: AsyncConnection, rows: list[Row]) -> None:
    """Queue several rows in one statement (nothing if there are none)."""
    if rows:
        await conn.execute(insert(notifications), rows)


async def notification_page(conn: AsyncConnection, f: NotificationFilter) -> list[Row]:
    """Up to f.limit notifications after f.after_id, oldest first, narrowed by the filter."""
    t = notifications
    stmt = select(t).where(t.c.id > f.after_id).order_by(t.c.id).limit(f.limit)
    if f.status is not None:
        stmt = stmt.where(t.c.status == f.status.value)
    if f.person_id is not None:
        stmt = stmt.where(t.c.person_id == f.person_id)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def latest_of_person(
    conn: AsyncConnection, person_id: int, limit: int, leave_out: list[str]
) -> list[Row]:
    """Up to `limit` of the person's notifications but those of the templates `leave_out`,
    newest first (ix_notifications_person_id)."""
    t = notifications
    stmt = select(t).where(t.c.person_id == person_id)
    if leave_out:
        stmt = stmt.where(t.c.template.not_in(leave_out))
    stmt = stmt.order_by(t.c.id.desc()).limit(limit)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def claim_due(conn: AsyncConnection, claim: str, batch: int, now: datetime) -> list[Row]:
    """Mark up to `batch` due rows as ours (attempts + 1) in one statement; them, by id.

    Due: pending or failed with next_attempt_at passed, or left `sending` by a pass that died
    more than LEASE ago. On PostgreSQL, FOR UPDATE SKIP LOCKED lets two passes claim disjoint
    rows instead of one waiting for (and then double-sending) the other's; SQLite has one
    writer at a time anyway.
    """
    t = notifications
    due = or_(
        and_(
            t.c.status.in_([NotificationStatus.PENDING.value, NotificationStatus.FAILED.value]),
            t.c.next_attempt_at <= now,
        ),
        and_(t.c.status == NotificationStatus.SENDING.value, t.c.claimed_at <= now - LEASE),
    )
    pick = select(t.c.id).where(due).order_by(t.c.id).limit(batch)
    if conn.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(t)
        .where(t.c.id.in_(pick.scalar_subquery()))
        .values(
            status=NotificationStatus.SENDING.value,
            claim=claim,
            claimed_at=now,
            attempts=t.c.attempts + 1,
        )
        .returning(t.c.id, t.c.person_id, t.c.channel, t.c.template, t.c.params, t.c.attempts)
    )
    rows = [dict(r._mapping) for r in await conn.execute(stmt)]
    return sorted(rows, key=lambda r: int(r["id"]))


async def record_outcomes(conn: AsyncConnection, claim: str, outcomes: list[Row]) -> None:
    """Every outcome of the pass in one executemany; a row another pass took over is left alone."""
    t = notifications
    stmt = (
        update(t)
        .where(t.c.id == bindparam("n_id"), t.c.claim == claim)
        .values(
            status=bindparam("n_status"),
            sent_at=bindparam("n_sent_at", type_=UTCDateTime()),
            last_error=bindparam("n_error"),
            next_attempt_at=bindparam("n_next", type_=UTCDateTime()),
            recipient_masked=bindparam("n_to"),
            claim=None,
        )
    )
    await conn.execute(stmt, outcomes)
