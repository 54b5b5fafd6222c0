"""Staff accounts and sessions in the database (issue 12)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.actors.models import actors
from sscard.actors.staff.models import staff_accounts as a
from sscard.actors.staff.models import staff_sessions as s
from sscard.registry.reference.models import outlets

Row = dict[str, Any]

ACCOUNT_COLUMNS = (
    a.c.id,
    a.c.username,
    a.c.actor_id,
    a.c.password_hash,
    a.c.must_change_password,
    a.c.totp_secret_enc,
    a.c.totp_enrolled,
    a.c.totp_last_step,
    a.c.failed_attempts,
    a.c.locked_until,
    a.c.active,
    actors.c.role,
    actors.c.display_name,
    actors.c.outlet_id,
    actors.c.city_code,
    actors.c.bank_code,
    actors.c.unit_code,
    outlets.c.kind.label("outlet_kind"),
    outlets.c.operations,
    outlets.c.code.label("outlet_code"),
)


def _accounts() -> Any:
    joined = a.join(actors, actors.c.id == a.c.actor_id).outerjoin(
        outlets, outlets.c.id == actors.c.outlet_id
    )
    return select(*ACCOUNT_COLUMNS).select_from(joined)


async def insert_account(conn: AsyncConnection, row: Row) -> int:
    result = await conn.execute(a.insert().values(**row).returning(a.c.id))
    return int(result.scalar_one())


async def account_by_username(conn: AsyncConnection, username: str) -> Row | None:
    result = await conn.execute(_accounts().where(a.c.username == username))
    found = result.mappings().first()
    return dict(found) if found else None


async def account_by_id(
    conn: AsyncConnection, account_id: int, city_code: str | None = None
) -> Row | None:
    query = _accounts().where(a.c.id == account_id)
    if city_code is not None:
        query = query.where(actors.c.city_code == city_code)
    found = (await conn.execute(query)).mappings().first()
    return dict(found) if found else None


async def list_accounts(conn: AsyncConnection, city_code: str | None = None) -> list[Row]:
    query = _accounts().order_by(a.c.username)
    if city_code is not None:
        query = query.where(actors.c.city_code == city_code)
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def username_taken(conn: AsyncConnection, username: str) -> bool:
    found = await conn.execute(select(func.count()).where(a.c.username == username))
    return bool(found.scalar_one())


async def update_account(conn: AsyncConnection, account_id: int, **values: Any) -> None:
    await conn.execute(update(a).where(a.c.id == account_id).values(**values))


async def insert_session(conn: AsyncConnection, row: Row) -> int:
    result = await conn.execute(s.insert().values(**row).returning(s.c.id))
    return int(result.scalar_one())


async def live_session(conn: AsyncConnection, token_index: str) -> Row | None:
    """The session of a cookie, with its account, unless it has ended."""
    query = (
        select(
            s.c.id.label("session_id"),
            s.c.stage,
            s.c.created_at,
            s.c.last_seen_at,
            *ACCOUNT_COLUMNS,
        )
        .select_from(
            s.join(a, a.c.id == s.c.account_id)
            .join(actors, actors.c.id == a.c.actor_id)
            .outerjoin(outlets, outlets.c.id == actors.c.outlet_id)
        )
        .where(and_(s.c.token_index == token_index, s.c.ended_at.is_(None)))
    )
    found = (await conn.execute(query)).mappings().first()
    return dict(found) if found else None


async def update_session(conn: AsyncConnection, session_id: int, **values: Any) -> None:
    await conn.execute(update(s).where(s.c.id == session_id).values(**values))


async def end_sessions_of(
    conn: AsyncConnection,
    account_id: int,
    reason: str,
    now: datetime,
    *,
    keep: int | None = None,
) -> None:
    """End every live session of the account, but the session `keep` if given."""
    where = [s.c.account_id == account_id, s.c.ended_at.is_(None)]
    if keep is not None:
        where.append(s.c.id != keep)
    await conn.execute(update(s).where(and_(*where)).values(ended_at=now, ended_reason=reason))


# ---- unit agents (issue 13): their console accounts act as a unit_agent actor ----


async def insert_unit_agent_actor(conn: AsyncConnection, row: Row) -> int:
    """A unit_agent actor row (bound to the unit's credit code and city); its id."""
    result = await conn.execute(actors.insert().values(**row).returning(actors.c.id))
    return int(result.scalar_one())


async def account_of_actor(conn: AsyncConnection, actor_id: int) -> Row | None:
    found = (await conn.execute(_accounts().where(a.c.actor_id == actor_id))).mappings().first()
    return dict(found) if found else None


async def switch_actor_off(conn: AsyncConnection, actor_id: int) -> None:
    await conn.execute(update(actors).where(actors.c.id == actor_id).values(active=False))
