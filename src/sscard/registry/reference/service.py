"""Reference data use cases: reading cities, banks, outlets, hotlines and policies (any actor),
an administrator's edits (SPEC GOV-1, CITY-2, CITY-3), and the outlets and city policies every
other context reads.

What pages and use cases read on every request (the cities, the banks, a city's banks and
hotlines, outlets, policies) is cached per process (`sscard.platform.cache`, 30 s): an edit, or
loading the reference data, clears this process's cache at once; other worker processes see it
within the TTL. Lists come back as copies, so a caller cannot change the cached one."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from sscard.kernel.actor import Operation, authorize, forbidden, require_own_city
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import Row
from sscard.kernel.errors import NotFound, invalid
from sscard.platform import cache
from sscard.platform.history import Change, record
from sscard.registry.reference import repository as reference
from sscard.registry.reference.entities import Bank, City, Outlet
from sscard.registry.reference.permissions import EDIT_REFERENCE_DATA
from sscard.registry.reference.policy import CityPolicy, policy_in_force
from sscard.registry.reference.rules import OUTLET_OPERATIONS

# ---- reading (any authenticated actor) ----


async def cities(ctx: Ctx) -> list[City]:
    """The 13 cities of Jiangsu (cached)."""
    return list(await cache.cached(("cities",), lambda: reference.list_cities(ctx.conn)))


async def city(ctx: Ctx, city_code: str) -> Row:
    """A city with its cooperating banks, the policy in force today and its hotlines."""
    body = dataclasses.asdict(await require_city(ctx, city_code))
    body["bank_codes"] = list(
        await cache.cached(
            ("city_banks", city_code), lambda: reference.city_bank_codes(ctx.conn, city_code)
        )
    )
    policy = await policy_on(ctx, city_code)
    body["policy_in_force"] = {"effective_from": policy.effective_from, **policy.rules()}
    body["hotlines"] = await hotlines(ctx, city_code)
    return body


async def policies_of(ctx: Ctx, city_code: str) -> list[Row]:
    """Every policy of a city, oldest first (CITY-3); NotFound for an unknown city."""
    await require_city(ctx, city_code)
    return await reference.policy_rows(ctx.conn, city_code)


async def banks(ctx: Ctx) -> list[Bank]:
    """The banks issuing the card (cached)."""
    return list(await cache.cached(("banks",), lambda: reference.list_banks(ctx.conn)))


async def outlets(ctx: Ctx, city_code: str | None) -> list[Outlet]:
    """Outlets, with kind, making and operations (GOV-1); of one city if given."""
    return await reference.list_outlets(ctx.conn, city_code)


async def outlet(ctx: Ctx, code: str) -> Outlet:
    """One outlet by its code (cached); NotFound otherwise."""
    found = await cache.cached(
        ("outlet_code", code), lambda: reference.get_outlet_by_code(ctx.conn, code)
    )
    if found is None:
        raise NotFound(field="code", what_zh="网点", what_en="Outlet")
    return found


async def hotlines(ctx: Ctx, city_code: str | None) -> list[Row]:
    """Hotlines (GOV-2): the province's and, if given, the city's (cached)."""
    found = await cache.cached(
        ("hotlines", city_code), lambda: reference.list_hotlines(ctx.conn, city_code)
    )
    return [dict(h) for h in found]


# ---- what other contexts read ----


async def outlet_by_id(ctx: Ctx, outlet_id: int) -> Outlet | None:
    """An outlet by id, cached: outlets are read on every counter request."""
    return await cache.cached(
        ("outlet", outlet_id), lambda: reference.get_outlet(ctx.conn, outlet_id)
    )


async def actor_outlet(ctx: Ctx, operation: Operation) -> Outlet:
    """The acting clerk's outlet, still active; refused as `operation` (Forbidden) otherwise."""
    found = await outlet_by_id(ctx, ctx.actor.outlet_id or 0)
    if found is None or not found.active:
        raise forbidden(ctx.actor.role, operation)
    return found


async def policy_on(ctx: Ctx, city_code: str) -> CityPolicy:
    """The city's policy in force today (SPEC CITY-3)."""
    policies = await cache.cached(
        ("policies", city_code), lambda: reference.city_policies_of(ctx.conn, city_code)
    )
    return policy_in_force(policies, city_code, ctx.today)


# ---- an administrator's edits ----


async def update_outlet(ctx: Ctx, code: str, changes: dict[str, Any]) -> Outlet:
    """Edit an outlet's data or operations (GOV-1); unknown operations are refused."""
    authorize(ctx.actor, EDIT_REFERENCE_DATA)
    cache.clear()
    outlet = await reference.get_outlet_by_code(ctx.conn, code)
    if outlet is None:
        raise NotFound(field="code", what_zh="网点", what_en="Outlet")
    require_own_city(ctx.actor, outlet.city_code, "code")
    unknown = set(changes.get("operations") or ()) - OUTLET_OPERATIONS
    if unknown:
        raise invalid("operations", f"未知业务：{sorted(unknown)}", f"unknown: {sorted(unknown)}")
    if changes:
        await reference.update_outlet(ctx.conn, code, changes)
        await record(
            ctx.conn,
            ctx.actor,
            ctx.now,
            Change("outlet", outlet.id, "edited", None, None, ",".join(sorted(changes))),
        )
    updated = await reference.get_outlet_by_code(ctx.conn, code)
    assert updated is not None
    return updated


async def set_city_banks(ctx: Ctx, city_code: str, bank_codes: list[str], source: str) -> list[str]:
    """Replace a city's list of cooperating banks (SPEC CITY-2)."""
    authorize(ctx.actor, EDIT_REFERENCE_DATA)
    cache.clear()
    require_own_city(ctx.actor, city_code, "city_code")
    city = await require_city(ctx, city_code)
    wanted = sorted({b.strip().upper() for b in bank_codes})
    unknown = set(wanted) - await reference.existing_bank_codes(ctx.conn, wanted)
    if unknown:
        raise invalid("bank_codes", f"未知银行：{sorted(unknown)}", f"unknown: {sorted(unknown)}")
    await reference.replace_city_banks(ctx.conn, city_code, wanted, source)
    await record(
        ctx.conn, ctx.actor, ctx.now, Change("city", int(city.code), "banks_set", None, None)
    )
    return wanted


async def add_policy(
    ctx: Ctx,
    city_code: str,
    effective_from: date,
    rules: dict[str, Any],
    source: str,
    note: str | None,
) -> CityPolicy:
    """A new city policy from a date; earlier ones stay for the days they governed (CITY-3)."""
    authorize(ctx.actor, EDIT_REFERENCE_DATA)
    cache.clear()
    require_own_city(ctx.actor, city_code, "city_code")
    city = await require_city(ctx, city_code)
    if effective_from < ctx.today:
        raise invalid(
            "effective_from", "不能早于今天（已生效的政策不可追溯修改）", "must not be in the past"
        )
    policy = CityPolicy.from_rules(city_code, effective_from, rules)  # InvalidInput by rule
    row = {
        "city_code": city_code,
        "effective_from": effective_from,
        "rules": policy.rules(),
        "source": source,
        "note": note,
    }
    await reference.put_policy(ctx.conn, row)
    await record(
        ctx.conn,
        ctx.actor,
        ctx.now,
        Change("city", int(city.code), "policy_set", None, effective_from.isoformat()),
    )
    return policy


async def require_city(ctx: Ctx, city_code: str) -> City:
    """The city with this code (cached); NotFound otherwise."""
    city = await cache.cached(("city", city_code), lambda: reference.get_city(ctx.conn, city_code))
    if city is None:
        raise NotFound(field="city_code", what_zh="城市", what_en="City")
    return city
