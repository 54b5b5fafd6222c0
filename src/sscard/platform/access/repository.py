"""Every query of the access log (issue 11)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.db import Row
from sscard.platform.access.models import access_chain_heads as heads
from sscard.platform.access.models import access_log
from sscard.platform.access.rules import GENESIS


async def advance_head(conn: AsyncConnection, chain: str) -> tuple[int, str]:
    """Take the chain's next position and its last hash; the row lock orders one chain's
    writers (other chains never wait). Creates the chain at its first entry."""
    stmt = (
        update(heads)
        .where(heads.c.chain == chain)
        .values(length=heads.c.length + 1)
        .returning(heads.c.length, heads.c.last_hash)
    )
    row = (await conn.execute(stmt)).first()
    if row is None:
        try:
            async with conn.begin_nested():
                await conn.execute(insert(heads).values(chain=chain, length=0, last_hash=GENESIS))
        except IntegrityError:
            pass  # another transaction started the chain first
        row = (await conn.execute(stmt)).one()
    return int(row.length), str(row.last_hash)


async def append(conn: AsyncConnection, entry: Row) -> None:
    await conn.execute(insert(access_log).values(**entry))
    await conn.execute(
        update(heads).where(heads.c.chain == entry["chain"]).values(last_hash=entry["hash"])
    )


async def has_grant(
    conn: AsyncConnection,
    person_id: int,
    since: datetime,
    purposes: list[str],
    *,
    outlet_id: int | None,
    actor_id: int | None,
) -> bool:
    """Whether the person's document was presented to this outlet (or, without an outlet, to
    this actor) since `since`."""
    where = [
        access_log.c.person_id == person_id,
        access_log.c.at >= since,
        access_log.c.purpose.in_(purposes),
    ]
    if outlet_id is not None:
        where.append(access_log.c.outlet_id == outlet_id)
    else:
        where.append(access_log.c.actor_id == actor_id)
    return bool((await conn.execute(select(exists().where(and_(*where))))).scalar())


async def page(
    conn: AsyncConnection,
    *,
    person_id: int | None,
    actor_id: int | None,
    since: datetime | None,
    until: datetime | None,
    after: int,
    limit: int,
) -> list[Row]:
    """Entries by id, after `after`, filtered."""
    stmt = select(access_log).where(access_log.c.id > after)
    filters: list[Any] = []
    if person_id is not None:
        filters.append(access_log.c.person_id == person_id)
    if actor_id is not None:
        filters.append(access_log.c.actor_id == actor_id)
    if since is not None:
        filters.append(access_log.c.at >= since)
    if until is not None:
        filters.append(access_log.c.at < until)
    stmt = stmt.where(*filters).order_by(access_log.c.id).limit(limit)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def chain_entries(conn: AsyncConnection, chain: str, after: int, limit: int) -> list[Row]:
    """One chain's entries in order, from position `after` + 1."""
    stmt = (
        select(access_log)
        .where(access_log.c.chain == chain, access_log.c.position > after)
        .order_by(access_log.c.position)
        .limit(limit)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def chains(conn: AsyncConnection) -> list[Row]:
    return [dict(r._mapping) for r in await conn.execute(select(heads).order_by(heads.c.chain))]
