"""Every query of the scenes: operators, terminals, use events and their counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.db import Row
from sscard.scenes.models import (
    offline_scans,
    scene_operators,
    scene_requests,
    scene_terminals,
    scene_use_events,
)


async def insert_operator(conn: AsyncConnection, row: Row) -> int:
    stmt = insert(scene_operators).values(**row).returning(scene_operators.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def operator_by_code(conn: AsyncConnection, code: str) -> Row | None:
    stmt = select(scene_operators).where(scene_operators.c.code == code)
    row = (await conn.execute(stmt)).first()
    return dict(row._mapping) if row is not None else None


async def operators(conn: AsyncConnection, city_code: str | None, limit: int) -> list[Row]:
    """Operators (of one city, when given) by code, each with its count of active terminals."""
    o, t = scene_operators, scene_terminals
    active = (
        select(func.count())
        .where(t.c.operator_id == o.c.id, t.c.active.is_(True))
        .scalar_subquery()
        .label("terminals")
    )
    stmt = select(o, active).order_by(o.c.code).limit(limit)
    if city_code is not None:
        stmt = stmt.where(o.c.city_code == city_code)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def insert_terminal(conn: AsyncConnection, row: Row) -> int:
    stmt = insert(scene_terminals).values(**row).returning(scene_terminals.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def terminal_exists(conn: AsyncConnection, operator_id: int, code: str) -> bool:
    t = scene_terminals
    stmt = select(t.c.id).where(t.c.operator_id == operator_id, t.c.terminal_code == code)
    return (await conn.execute(stmt)).first() is not None


async def terminals_of(conn: AsyncConnection, operator_id: int) -> list[Row]:
    t = scene_terminals
    stmt = (
        select(t.c.id, t.c.terminal_code, t.c.language, t.c.active, t.c.registered_at)
        .where(t.c.operator_id == operator_id)
        .order_by(t.c.terminal_code)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


# Every signed request of a terminal reads it: built once (not per request).
TERMINAL_OF_ACTOR = (
    select(
        scene_terminals,
        scene_operators.c.code.label("operator_code"),
        scene_operators.c.name.label("operator_name"),
        scene_operators.c.kind,
        scene_operators.c.city_code,
        scene_operators.c.area_code,
        scene_operators.c.active.label("operator_active"),
    )
    .select_from(
        scene_terminals.join(scene_operators, scene_operators.c.id == scene_terminals.c.operator_id)
    )
    .where(scene_terminals.c.actor_id == bindparam("actor_id"))
)


async def terminal_of_actor(conn: AsyncConnection, actor_id: int) -> Row | None:
    """The terminal holding this token, with its operator's code, name, kind, city, state."""
    row = (await conn.execute(TERMINAL_OF_ACTOR, {"actor_id": actor_id})).first()
    return dict(row._mapping) if row is not None else None


async def switch_off_terminal(conn: AsyncConnection, operator_id: int, code: str) -> int | None:
    """Take a terminal out of service; its actor id, or None if the operator has no such one."""
    t = scene_terminals
    stmt = (
        update(t)
        .where(t.c.operator_id == operator_id, t.c.terminal_code == code)
        .values(active=False)
        .returning(t.c.actor_id)
    )
    found = (await conn.execute(stmt)).scalar_one_or_none()
    return int(found) if found is not None else None


async def insert_use(conn: AsyncConnection, row: Row) -> int:
    stmt = insert(scene_use_events).values(**row).returning(scene_use_events.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def use_counts(
    conn: AsyncConnection, operator_id: int, since: datetime, until: datetime
) -> list[Row]:
    """Uses at one operator in [since, until), by use, credential, card city and outcome."""
    e = scene_use_events
    keys = (e.c.use, e.c.credential, e.c.card_city_code, e.c.allowed, e.c.refusal_code)
    stmt = (
        select(*keys, func.count().label("uses"))
        .where(e.c.operator_id == operator_id, e.c.at >= since, e.c.at < until)
        .group_by(*keys)
        .order_by(*keys)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def offline_scans_of(conn: AsyncConnection, ecard_id: int, nonce: bytes) -> list[Row]:
    """The uploaded scans of one code, any gate's."""
    s = offline_scans
    stmt = select(s.c.terminal_id).where(s.c.ecard_id == ecard_id, s.c.nonce == nonce)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def insert_offline_scans(conn: AsyncConnection, rows: list[Row]) -> None:
    if rows:
        await conn.execute(insert(offline_scans), rows)


# One statement per signed request, built once per dialect: INSERT ... ON CONFLICT DO NOTHING
# RETURNING (kernel.upsert.insert_once's, without building it again for each request).
REMEMBER_REQUEST = {
    d.dialect.name: d.insert(scene_requests)
    .on_conflict_do_nothing(index_elements=["terminal_id", "request_id"])
    .returning(scene_requests.c.terminal_id)
    for d in (postgresql, sqlite)
}


async def remember_request(conn: AsyncConnection, row: Row) -> bool:
    """Record a terminal's request id (`row`: terminal_id, request_id, seen_at); False if the
    terminal sent it before."""
    found = await conn.execute(REMEMBER_REQUEST[conn.dialect.name], row)
    return found.first() is not None


async def forget_requests_before(conn: AsyncConnection, at: datetime) -> int:
    stmt = delete(scene_requests).where(scene_requests.c.seen_at < at)
    return int((await conn.execute(stmt)).rowcount or 0)


async def use_credential(conn: AsyncConnection, use_id: int) -> str | None:
    stmt = select(scene_use_events.c.credential).where(scene_use_events.c.id == use_id)
    found = (await conn.execute(stmt)).scalar_one_or_none()
    return str(found) if found is not None else None
