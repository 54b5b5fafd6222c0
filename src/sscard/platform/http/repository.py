"""Every query of the idempotency keys: an actor's stored answer to a key, the claim of a key
before the work, and the answer stored after it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.db import Row
from sscard.platform.models import idempotency_keys


async def stored_answer(conn: AsyncConnection, actor_id: int | None, key: str) -> Row | None:
    """The row of this actor's key (request_hash, status_code, body), or None."""
    k = idempotency_keys
    stmt = select(k).where(k.c.actor_id == actor_id, k.c.key == key)
    row = (await conn.execute(stmt)).first()
    return dict(row._mapping) if row else None


async def claim_key(
    conn: AsyncConnection, actor_id: int | None, key: str, digest: str, at: datetime
) -> None:
    """Take the key before the work (status 0, no answer); a concurrent twin's insert fails
    with IntegrityError on the (actor_id, key) key, or waits for this transaction."""
    await conn.execute(
        insert(idempotency_keys).values(
            actor_id=actor_id, key=key, request_hash=digest, status_code=0, created_at=at
        )
    )


async def store_answer(
    conn: AsyncConnection, actor_id: int | None, key: str, status: int, body_enc: bytes
) -> None:
    """Keep the answer (HTTP status, its JSON sealed with the vault) given to the key's first
    request."""
    k = idempotency_keys
    stmt = update(k).where(k.c.actor_id == actor_id, k.c.key == key)
    await conn.execute(stmt.values(status_code=status, body_enc=body_enc))


async def forget_keys_before(conn: AsyncConnection, before: datetime) -> int:
    """Delete the keys made before `before`, in one statement (ix_idempotency_keys_created_at);
    how many went."""
    k = idempotency_keys
    return (await conn.execute(delete(k).where(k.c.created_at < before))).rowcount
