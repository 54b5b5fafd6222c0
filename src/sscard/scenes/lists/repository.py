"""Every query of the application lists."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, and_, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.db import Row
from sscard.scenes.lists.models import application_list_entries, application_lists

L, E = application_lists, application_list_entries


def _where_scope(scope: str, city_code: str | None) -> ColumnElement[bool]:
    city = L.c.city_code.is_(None) if city_code is None else L.c.city_code == city_code
    return and_(L.c.scope == scope, city)


async def in_force(
    conn: AsyncConnection, scope: str, city_code: str | None, day: date
) -> Row | None:
    """The newest published version of one list in force on `day`, with its entries."""
    stmt = (
        select(L)
        .where(_where_scope(scope, city_code), L.c.effective_from <= day)
        .order_by(L.c.effective_from.desc(), L.c.version.desc())
        .limit(1)
    )
    row = (await conn.execute(stmt)).first()
    if row is None:
        return None
    found = dict(row._mapping)
    entries = select(E.c.scene_use, E.c.scene_kind).where(E.c.list_id == found["id"])
    found["entries"] = [(r[0], r[1]) for r in await conn.execute(entries)]
    return found


async def history(conn: AsyncConnection, scope: str, city_code: str | None) -> list[Row]:
    stmt = select(L).where(_where_scope(scope, city_code)).order_by(L.c.version.desc())
    return [dict(r._mapping) for r in await conn.execute(stmt)]


async def last_version(conn: AsyncConnection, scope: str, city_code: str | None) -> int:
    stmt = select(func.max(L.c.version)).where(_where_scope(scope, city_code))
    return int((await conn.execute(stmt)).scalar_one() or 0)


async def insert_list(conn: AsyncConnection, row: Row, entries: Iterable[tuple[str, str]]) -> int:
    list_id = int((await conn.execute(insert(L).values(**row).returning(L.c.id))).scalar_one())
    values = [{"list_id": list_id, "scene_use": u, "scene_kind": k} for u, k in entries]
    if values:
        await conn.execute(insert(E), values)
    return list_id
