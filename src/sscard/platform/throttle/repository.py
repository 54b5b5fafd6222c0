"""Every query of platform.throttle."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.platform.throttle.models import client_knocks


async def forget_before(conn: AsyncConnection, door: str, client_index: str, at: datetime) -> None:
    """Drop the client's knocks at the door from `at` or before (they no longer count)."""
    c = client_knocks.c
    await conn.execute(
        delete(client_knocks).where(c.door == door, c.client_index == client_index, c.at <= at)
    )


async def knocks(conn: AsyncConnection, door: str, client_index: str) -> list[datetime]:
    c = client_knocks.c
    stmt = select(c.at).where(c.door == door, c.client_index == client_index)
    return list((await conn.execute(stmt)).scalars())


async def knock(conn: AsyncConnection, door: str, client_index: str, at: datetime) -> None:
    await conn.execute(insert(client_knocks).values(door=door, client_index=client_index, at=at))
