"""Every query of real-name sign-in: challenges, the person's cardholder actor, sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.actors.models import actors
from sscard.actors.online.models import online_sessions, online_sign_ins
from sscard.kernel.db import Row

c, s = online_sign_ins, online_sessions


async def insert_challenge(conn: AsyncConnection, values: Row) -> None:
    await conn.execute(insert(c).values(**values))


async def codes_since(conn: AsyncConnection, person_id: int, since: datetime) -> int:
    """How many codes were sent to the person since `since` (ix_online_sign_ins_person_created)."""
    stmt = select(func.count()).where(
        and_(c.c.person_id == person_id, c.c.created_at >= since, c.c.code_index.is_not(None))
    )
    return int((await conn.execute(stmt)).scalar_one())


async def challenge_for_update(conn: AsyncConnection, challenge_index: str) -> Row | None:
    """The challenge, locked until the transaction ends (two tries of one code queue)."""
    stmt = select(c).where(c.c.challenge_index == challenge_index).with_for_update()
    row = (await conn.execute(stmt)).first()
    return dict(row._mapping) if row is not None else None


async def update_challenge(conn: AsyncConnection, challenge_id: int, **values: Any) -> None:
    await conn.execute(update(c).where(c.c.id == challenge_id).values(**values))


async def cardholder_actor_id(conn: AsyncConnection, person_id: int) -> int | None:
    """The person's active cardholder actor, if there is one."""
    stmt = (
        select(actors.c.id)
        .where(
            actors.c.role == "cardholder",
            actors.c.person_id == person_id,
            actors.c.active.is_(True),
        )
        .order_by(actors.c.id)
        .limit(1)
    )
    return (await conn.execute(stmt)).scalar_one_or_none()


async def insert_session(conn: AsyncConnection, values: Row) -> None:
    await conn.execute(insert(s).values(**values))


async def live_session(conn: AsyncConnection, token_index: str) -> Row | None:
    """The session of a token with its active actor's row, unless it has ended."""
    stmt = (
        select(
            s.c.id.label("session_id"),
            s.c.created_at.label("session_created_at"),
            s.c.last_seen_at,
            s.c.family_binding_id,
            actors,
        )
        .select_from(s.join(actors, actors.c.id == s.c.actor_id))
        .where(s.c.token_index == token_index, s.c.ended_at.is_(None), actors.c.active.is_(True))
    )
    row = (await conn.execute(stmt)).first()
    return dict(row._mapping) if row is not None else None


async def update_session(conn: AsyncConnection, session_id: int, **values: Any) -> None:
    await conn.execute(update(s).where(s.c.id == session_id).values(**values))
