"""Create actors with their API tokens, and authenticate a request's token (SPEC CH-1)."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.actors import repository as repo
from sscard.actors.permissions import CREATE_ACTOR
from sscard.kernel.actor import ROLE_ZH, Actor, Role, authorize, city_scope
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import Forbidden, NotFound, Unauthenticated, invalid
from sscard.kernel.runtime import Runtime
from sscard.kernel.text import unsafe_characters
from sscard.registry import repository as registry
from sscard.registry.documents import validate_uscc
from sscard.registry.reference import repository as reference

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
    _check_creator_scope(ctx.actor, new.role, binding)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = {
        "token_index": token_index(token),
        "role": new.role.value,
        "display_name": new.display_name.strip(),
        "active": True,
        "created_at": ctx.now,
        **binding,
    }
    return await repo.insert_actor(ctx.conn, row), token


# What binds each role to its organisation; any other binding given is refused, not ignored.
BINDINGS = {
    Role.OUTLET_CLERK: "outlet_code",
    Role.BANK_SYSTEM: "bank_code",
    Role.CARDHOLDER: "person_id",
    Role.UNIT_AGENT: "unit_code",
    Role.HOTLINE_AGENT: "city_code",
    Role.CENTRE_ADMIN: "city_code",
}
# The roles a city's centre administrator may create, each in its own city; the province
# administrator creates any (issue 11: a city administrator made province-wide ones).
CITY_ADMIN_CREATES = frozenset({Role.OUTLET_CLERK, Role.HOTLINE_AGENT, Role.CENTRE_ADMIN})


class NotYoursToCreate(Forbidden):
    code = "not_yours_to_create"
    rule = "CH-1"
    message_zh = "{own}卡管中心只能为本市创建柜员、坐席和本市管理员，不能创建“{role_zh}”{where_zh}"
    message_en = (
        "The card centre of {own} creates clerks, agents and administrators of its own city"
        " only, not '{role}'{where_en}"
    )


def _check_creator_scope(creator: Actor, role: Role, binding: dict[str, Any]) -> None:
    if creator.role is not Role.CENTRE_ADMIN:
        return
    city = binding.get("city_code")
    if role in CITY_ADMIN_CREATES and city == creator.city_code:
        return
    elsewhere = city is not None and city != creator.city_code
    raise NotYoursToCreate(
        field="city_code" if elsewhere else "role",
        own=creator.city_code,
        role=role.value,
        role_zh=ROLE_ZH[role],
        where_zh=f"（{city}）" if elsewhere else "",
        where_en=f" in {city}" if elsewhere else "",
    )


DISPLAY_NAME_MAX = 64
# Roles whose tokens come with what they belong to, never bare: a terminal with its scene.
REGISTERED_ELSEWHERE = {
    Role.SCENE_TERMINAL: (
        "场景终端随其用卡场景登记（/api/v1/scenes/{code}/terminals）",
        "a scene terminal is registered with its scene (/api/v1/scenes/{code}/terminals)",
    ),
    Role.DELTA_NODE: (
        "长三角节点随节点配置登记（PUT /api/v1/delta/nodes/{province_code}）",
        "a delta node is registered when it is linked (PUT /api/v1/delta/nodes/{province_code})",
    ),
    Role.PAYER: (
        "待遇发放机构随机构登记（PUT /api/v1/payers/{code}）",
        "a payer's system is registered with its payer (PUT /api/v1/payers/{code})",
    ),
    Role.PAYEE: (
        "代扣收费单位随单位登记（PUT /api/v1/payees/{code}）",
        "a payee's system is registered with its payee (PUT /api/v1/payees/{code})",
    ),
}


async def _binding(conn: AsyncConnection, new: NewActor) -> dict[str, Any]:
    """The organisation each role belongs to, checked to exist (CH-1)."""
    name = new.display_name.strip()
    if not name:
        raise invalid("display_name", "不能为空", "must not be empty")
    if unsafe_characters(name):
        bad = ", ".join(unsafe_characters(name))
        raise invalid(
            "display_name", f"含有不允许的字符：{bad}", f"holds characters no field may: {bad}"
        )
    if len(name) > DISPLAY_NAME_MAX:
        zh, en = f"最多{DISPLAY_NAME_MAX}个字符", f"at most {DISPLAY_NAME_MAX} characters"
        raise invalid("display_name", zh, en)
    if new.role in REGISTERED_ELSEWHERE:
        zh, en = REGISTERED_ELSEWHERE[new.role]
        raise invalid("role", zh, en)
    for other in set(BINDINGS.values()) - {BINDINGS.get(new.role)}:
        if getattr(new, other) is not None:
            role = new.role.value
            raise invalid(other, f"不适用于角色 {role}", f"does not apply to the role {role}")
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
        return {"unit_code": validate_uscc(new.unit_code or "", "unit_code")}
    if new.role not in BINDINGS:
        return {}  # the province administrator and the auditor: province-wide
    if new.role is Role.CENTRE_ADMIN and not new.city_code:
        raise invalid(
            "city_code",
            "市卡管中心管理员须属于一个城市；全省管理员请选角色province_admin",
            "a city's centre administrator belongs to a city; choose province_admin for the"
            " province",
        )
    if new.city_code and await reference.get_city(conn, new.city_code) is None:
        raise invalid("city_code", "未知城市", "unknown city")
    return {"city_code": new.city_code}


async def deactivate_actor(ctx: Ctx, actor_id: int) -> None:
    """Switch an actor's token off at once on this process; NotFound if there is no such actor."""
    authorize(ctx.actor, CREATE_ACTOR)
    if not await repo.deactivate(ctx.conn, actor_id, city_scope(ctx.actor)):
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
    """The active actor holding this token (from the cache when seen lately).

    Raises Unauthenticated for no token, an unknown one, or one whose actor is switched off.
    """
    if not token:
        raise Unauthenticated()
    index = token_index(token)
    cached = TokenCache.shared.get(index)
    if cached is not None:
        return cached
    row = await repo.active_by_token(conn, index)
    if row is None:
        raise Unauthenticated()
    actor = actor_of(row)
    TokenCache.shared.put(index, actor)
    return actor


def actor_of(row: Mapping[str, Any]) -> Actor:
    """The Actor of an `actors` row joined with its outlet's kind and operations (`id` the
    actor's id, `outlet_kind`, `operations`; `person_id`, `unit_code` optional)."""
    return Actor(
        id=row["id"],
        role=Role(row["role"]),
        display_name=row["display_name"],
        outlet_id=row["outlet_id"],
        outlet_kind=row["outlet_kind"],
        outlet_operations=frozenset(row["operations"] or ()),
        city_code=row["city_code"],
        bank_code=row["bank_code"],
        person_id=row.get("person_id"),
        unit_code=row.get("unit_code"),
    )


async def cardholder_actor(ctx: Ctx, person_id: int, existing: int | None) -> int:
    """The person's cardholder actor: `existing` if given, else a new one whose own token is
    thrown away (the online hall's sessions act as it; issue 13). No authorization: the
    caller has checked the person (real-name sign-in)."""
    if existing is not None:
        return existing
    row = {
        "token_index": token_index(TOKEN_PREFIX + secrets.token_urlsafe(32)),
        "role": Role.CARDHOLDER.value,
        "display_name": "持卡人（网上服务大厅）",
        "active": True,
        "created_at": ctx.now,
        "person_id": person_id,
    }
    return await repo.insert_actor(ctx.conn, row)


async def system_actor(
    ctx: Ctx, role: Role, display_name: str, city_code: str | None
) -> tuple[int, str]:
    """A new actor for a system registered by another context (a scene's terminal): its id
    and its token, shown once. No authorization: the registering use case has checked."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = {
        "token_index": token_index(token),
        "role": role.value,
        "display_name": display_name,
        "active": True,
        "created_at": ctx.now,
        "city_code": city_code,
    }
    return await repo.insert_actor(ctx.conn, row), token


async def switch_off(ctx: Ctx, actor_id: int) -> None:
    """Switch an actor's token off (a terminal taken out of service); the caller authorizes."""
    await repo.deactivate(ctx.conn, actor_id)
    TokenCache.shared.clear()


async def list_actors(ctx: Ctx) -> list[dict[str, Any]]:
    """Every actor with its role and organisation, by id; never a token."""
    authorize(ctx.actor, CREATE_ACTOR)
    return await repo.all_actors(ctx.conn, city_scope(ctx.actor))


class Tokens:
    """The actors' tokens as the HTTP layer's authenticator (platform.http.deps.Authenticator)."""

    def cached(self, token: str | None) -> Actor | None:
        return cached_actor(token)

    async def authenticate(self, conn: AsyncConnection, token: str | None) -> Actor:
        return await authenticate(conn, token)

    async def authenticate_session(self, rt: Runtime, token: str | None) -> Actor | None:
        return None  # actors' own tokens do not expire; sessions are actors.online's


async def has_admin(conn: AsyncConnection) -> bool:
    """Whether a centre administrator exists (setup creates the first one only once)."""
    return await repo.has_role(conn, Role.PROVINCE_ADMIN.value)
