"""Every query of the ecard password. A wrong try is counted by one UPDATE ... RETURNING, against
the hash it was checked with, so two at once both count and exactly one locks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.ecards.password.models import ecard_passwords
from sscard.kernel.db import Row

t = ecard_passwords


async def get(conn: AsyncConnection, ecard_id: int) -> Row | None:
    r = (await conn.execute(select(t).where(t.c.ecard_id == ecard_id))).first()
    return dict(r._mapping) if r else None


async def put(conn: AsyncConnection, ecard_id: int, hashed: str, at: datetime) -> None:
    """The password now, unlocked and with no wrong tries (a first one, a change, a reset)."""
    await conn.execute(delete(t).where(t.c.ecard_id == ecard_id))
    row = {"ecard_id": ecard_id, "password_hash": hashed, "failed_attempts": 0,
           "locked_at": None, "set_at": at, "updated_at": at}  # fmt: skip
    await conn.execute(insert(t).values(**row))


async def count_wrong_try(
    conn: AsyncConnection, ecard_id: int, checked_hash: str, max_attempts: int, at: datetime
) -> Row | None:
    """One more wrong try, locking at `max_attempts`; None if locked or changed meanwhile."""
    after = t.c.failed_attempts + 1
    stmt = (
        update(t)
        .where(t.c.ecard_id == ecard_id, t.c.locked_at.is_(None), t.c.password_hash == checked_hash)
        .values(
            failed_attempts=after,
            locked_at=case((after >= max_attempts, at), else_=None),
            updated_at=at,
        )
        .returning(t.c.failed_attempts, t.c.locked_at)
    )
    r = (await conn.execute(stmt)).first()
    return dict(r._mapping) if r else None


async def clear_wrong_tries(conn: AsyncConnection, ecard_id: int, at: datetime) -> None:
    stmt = (
        update(t)
        .where(t.c.ecard_id == ecard_id, t.c.locked_at.is_(None))
        .values(failed_attempts=0, updated_at=at)
    )
    await conn.execute(stmt)
