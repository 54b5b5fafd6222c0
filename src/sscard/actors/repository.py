"""Every query of the actors table: a new actor, one switched off, a token's actor, the list."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.actors.models import actors
from sscard.kernel.db import Row
from sscard.registry.reference.models import outlets


async def insert_actor(conn: AsyncConnection, row: Row) -> int:
    """Store one actor row; its new id."""
    stmt = insert(actors).values(**row).returning(actors.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def deactivate(conn: AsyncConnection, actor_id: int, city_code: str | None = None) -> bool:
    """Switch an actor off; False if there is no such actor (in `city_code`, when given)."""
    stmt = update(actors).where(actors.c.id == actor_id).values(active=False)
    if city_code is not None:
        stmt = stmt.where(actors.c.city_code == city_code)
    return (await conn.execute(stmt)).rowcount == 1


async def active_by_token(conn: AsyncConnection, index: str) -> Row | None:
    """The active actor whose token hashes to `index`, with its outlet's kind and operations
    (None for actors outside an outlet), or None."""
    stmt = (
        select(actors, outlets.c.kind.label("outlet_kind"), outlets.c.operations)
        .select_from(actors.outerjoin(outlets, outlets.c.id == actors.c.outlet_id))
        .where(actors.c.token_index == index, actors.c.active.is_(True))
    )
    row = (await conn.execute(stmt)).first()
    return dict(row._mapping) if row is not None else None


async def all_actors(conn: AsyncConnection, city_code: str | None = None) -> list[Row]:
    """Every actor (of `city_code`, when given), by id, without its token index."""
    stmt = select(
        actors.c.id,
        actors.c.role,
        actors.c.display_name,
        actors.c.outlet_id,
        actors.c.bank_code,
        actors.c.city_code,
        actors.c.unit_code,
        actors.c.active,
        actors.c.created_at,
    ).order_by(actors.c.id)
    if city_code is not None:
        stmt = stmt.where(actors.c.city_code == city_code)
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def has_role(conn: AsyncConnection, role: str) -> bool:
    """Whether any actor (active or not) has this role."""
    stmt = select(actors.c.id).where(actors.c.role == role).limit(1)
    return (await conn.execute(stmt)).first() is not None
