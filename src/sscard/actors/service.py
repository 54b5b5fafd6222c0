"""Create actors with their API tokens, and authenticate a request's token (SPEC CH-1)."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.actors.models import actors
from sscard.actors.permissions import CREATE_ACTOR
from sscard.kernel.actor import Actor, Role, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import NotFound, Unauthenticated, invalid
from sscard.registry import repository as registry
from sscard.registry.documents import validate_uscc
from sscard.registry.reference import repository as reference
from sscard.registry.reference.models import outlets

TOKEN_PREFIX = "ssc_"


@dataclass(frozen=True)
class NewActor:
    role: Role
    display_name: str
    outlet_code: str | None = None
    bank_code: str | None = None
    city_code: str | None = None
    person_id: int | None = None
    unit_code: str | None = None


def token_index(token: str) -> str:
    """Tokens are stored only as their SHA-256; a stolen table does not yield working tokens."""
    return hashlib.sha256(token.encode()).hexdigest()


async def create_actor(ctx: Ctx, new: NewActor) -> tuple[int, str]:
    """Store an actor bound to its organisation; returns its id and the token (shown once)."""
    authorize(ctx.actor, CREATE_ACTOR)
    binding = await _binding(ctx.conn, new)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    stmt = insert(actors).values(
        token_index=token_index(token),
        role=new.role.value,
        display_name=new.display_name.strip()[:64],
        active=True,
        created_at=ctx.now,
        **binding,
    )
    actor_id = (await ctx.conn.execute(stmt.returning(actors.c.id))).scalar_one()
    return actor_id, token


async def _binding(conn: AsyncConnection, new: NewActor) -> dict[str, Any]:
    """The organisation each role belongs to, checked to exist."""
    if not new.display_name.strip():
        raise invalid("display_name", "不能为空", "must not be empty")
    if new.role is Role.OUTLET_CLERK:
        outlet = await reference.get_outlet_by_code(conn, new.outlet_code or "")
        if outlet is None:
            raise invalid(
                "outlet_code", "柜员须属于一个已登记的网点", "a clerk belongs to a known outlet"
            )
        return {"outlet_id": outlet.id, "city_code": outlet.city_code}
    if new.role is Role.BANK_SYSTEM:
        if not new.bank_code or not await reference.existing_bank_codes(conn, [new.bank_code]):
            raise invalid(
                "bank_code",
                "银行系统须属于一家已登记的银行",
                "a bank system belongs to a known bank",
            )
        return {"bank_code": new.bank_code}
    if new.role is Role.CARDHOLDER:
        if new.person_id is None or await registry.get_person(conn, new.person_id) is None:
            raise invalid(
                "person_id", "持卡人须对应一名已登记人员", "a cardholder is a registered person"
            )
        return {"person_id": new.person_id}
    if new.role is Role.UNIT_AGENT:
        return {"unit_code": validate_uscc(new.unit_code or "")}
    if new.city_code and await reference.get_city(conn, new.city_code) is None:
        raise invalid("city_code", "未知城市", "unknown city")
    return {"city_code": new.city_code}


async def deactivate_actor(ctx: Ctx, actor_id: int) -> None:
    authorize(ctx.actor, CREATE_ACTOR)
    done = await ctx.conn.execute(
        update(actors).where(actors.c.id == actor_id).values(active=False)
    )
    if done.rowcount != 1:
        raise NotFound(field="actor_id", what_zh="操作员", what_en="Actor")
    TokenCache.shared.clear()


class TokenCache:
    """Resolved tokens for a few seconds, so a lookup costs no extra query per request.

    A deactivated token stops working on this process at once and on others within TTL seconds.
    """

    TTL = 30.0
    shared: TokenCache

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, Actor]] = {}

    def get(self, index: str) -> Actor | None:
        hit = self._entries.get(index)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        return None

    def put(self, index: str, actor: Actor) -> None:
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[index] = (time.monotonic() + self.TTL, actor)

    def clear(self) -> None:
        self._entries.clear()


TokenCache.shared = TokenCache()


def cached_actor(token: str | None) -> Actor | None:
    """The actor of a token seen in the last TTL seconds, without touching the database."""
    return TokenCache.shared.get(token_index(token)) if token else None


async def authenticate(conn: AsyncConnection, token: str | None) -> Actor:
    if not token:
        raise Unauthenticated()
    index = token_index(token)
    cached = TokenCache.shared.get(index)
    if cached is not None:
        return cached
    stmt = (
        select(actors, outlets.c.kind.label("outlet_kind"), outlets.c.operations)
        .select_from(actors.outerjoin(outlets, outlets.c.id == actors.c.outlet_id))
        .where(actors.c.token_index == index, actors.c.active.is_(True))
    )
    row = (await conn.execute(stmt)).first()
    if row is None:
        raise Unauthenticated()
    actor = Actor(
        id=row.id,
        role=Role(row.role),
        display_name=row.display_name,
        outlet_id=row.outlet_id,
        outlet_kind=row.outlet_kind,
        outlet_operations=frozenset(row.operations or ()),
        city_code=row.city_code,
        bank_code=row.bank_code,
        person_id=row.person_id,
        unit_code=row.unit_code,
    )
    TokenCache.shared.put(index, actor)
    return actor


async def list_actors(ctx: Ctx) -> list[dict[str, Any]]:
    authorize(ctx.actor, CREATE_ACTOR)
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
    return [dict(r._mapping) for r in await ctx.conn.execute(stmt)]


class Tokens:
    """The actors' tokens as the HTTP layer's authenticator (platform.http.deps.Authenticator)."""

    def cached(self, token: str | None) -> Actor | None:
        return cached_actor(token)

    async def authenticate(self, conn: AsyncConnection, token: str | None) -> Actor:
        return await authenticate(conn, token)
