"""The hr password table and every query on it (SPEC PWD-1..3).

Wrong tries are counted by one UPDATE ... RETURNING each, so two wrong tries at the same moment
both count and exactly one of them locks. A count is taken only against the hash the try was
checked with: a password changed or reset meanwhile is not charged with the old one's misses.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.cards.passwords.models import card_hr_passwords
from sscard.kernel.db import Row
from sscard.kernel.errors import Conflict

t = card_hr_passwords


async def get(conn: AsyncConnection, card_id: int) -> Row | None:
    r = (await conn.execute(select(t).where(t.c.card_id == card_id))).first()
    return dict(r._mapping) if r else None


async def insert_password(conn: AsyncConnection, card_id: int, hashed: str, at: datetime) -> Row:
    """The first password of a card; a concurrent first setting wins, this one conflicts."""
    row = {
        "card_id": card_id,
        "password_hash": hashed,
        "failed_attempts": 0,
        "locked_at": None,
        "set_at": at,
        "updated_at": at,
        "version": 1,
    }
    try:
        await conn.execute(insert(t).values(**row))
    except IntegrityError:
        # The whole unit rolls back on this refusal, so the aborted statement needs no savepoint.
        raise Conflict(field="card_number") from None
    return row


async def replace_password(conn: AsyncConnection, row: Row, hashed: str, at: datetime) -> Row:
    """A new password, unlocked, no wrong tries; compare-and-set on the version."""
    values = {"password_hash": hashed, "failed_attempts": 0, "locked_at": None, "set_at": at}
    stmt = (
        update(t)
        .where(t.c.card_id == row["card_id"], t.c.version == row["version"])
        .values(version=row["version"] + 1, updated_at=at, **values)
    )
    if (await conn.execute(stmt)).rowcount != 1:
        raise Conflict(field="card_number")
    return {**row, **values, "version": row["version"] + 1, "updated_at": at}


async def count_wrong_try(
    conn: AsyncConnection, card_id: int, checked_hash: str, max_attempts: int, at: datetime
) -> Row | None:
    """One more wrong try, locking at `max_attempts`; None if locked or changed meanwhile."""
    after = t.c.failed_attempts + 1
    stmt = (
        update(t)
        .where(t.c.card_id == card_id, t.c.locked_at.is_(None), t.c.password_hash == checked_hash)
        .values(
            failed_attempts=after,
            # SET sees the row before the update, so `after` here is the new count.
            locked_at=case((after >= max_attempts, at), else_=None),
            updated_at=at,
            version=t.c.version + 1,
        )
        .returning(t.c.failed_attempts, t.c.locked_at)
    )
    r = (await conn.execute(stmt)).first()
    return dict(r._mapping) if r else None


async def clear_wrong_tries(
    conn: AsyncConnection, card_id: int, checked_hash: str, at: datetime, rehashed: str | None
) -> bool:
    """A right try: the count goes back to zero; False if locked or changed meanwhile."""
    stmt = (
        update(t)
        .where(t.c.card_id == card_id, t.c.locked_at.is_(None), t.c.password_hash == checked_hash)
        .values(
            failed_attempts=0,
            password_hash=rehashed or checked_hash,
            updated_at=at,
            version=t.c.version + 1,
        )
    )
    return bool((await conn.execute(stmt)).rowcount == 1)
