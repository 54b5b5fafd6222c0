"""Administrator edits of reference data (SPEC GOV-1, CITY-2, CITY-3) and calendar years (§17)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import NotFound, invalid
from sscard.kernel.upsert import insert_rows
from sscard.platform import cache
from sscard.platform.history import Change, record
from sscard.registry.reference import repository as reference
from sscard.registry.reference.models import city_policies
from sscard.registry.reference.permissions import EDIT_REFERENCE_DATA
from sscard.registry.reference.policy import CityPolicy, policy_in_force
from sscard.registry.reference.rules import OUTLET_OPERATIONS


async def update_outlet(ctx: Ctx, code: str, changes: dict[str, Any]) -> dict[str, Any]:
    authorize(ctx.actor, EDIT_REFERENCE_DATA)
    cache.clear()
    outlet = await reference.get_outlet_by_code(ctx.conn, code)
    if outlet is None:
        raise NotFound(field="outlet_code", what_zh="网点", what_en="Outlet")
    unknown = set(changes.get("operations") or ()) - OUTLET_OPERATIONS
    if unknown:
        raise invalid("operations", f"未知业务：{sorted(unknown)}", f"unknown: {sorted(unknown)}")
    if changes:
        await reference.update_outlet(ctx.conn, code, changes)
        await record(
            ctx.conn,
            ctx.actor,
            ctx.now,
            Change("outlet", outlet["id"], "edited", None, None, ",".join(sorted(changes))),
        )
    updated = await reference.get_outlet_by_code(ctx.conn, code)
    assert updated is not None
    return updated


async def set_city_banks(ctx: Ctx, city_code: str, bank_codes: list[str], source: str) -> list[str]:
    """Replace a city's list of cooperating banks (SPEC CITY-2)."""
    authorize(ctx.actor, EDIT_REFERENCE_DATA)
    cache.clear()
    city = await require_city(ctx, city_code)
    wanted = sorted({b.strip().upper() for b in bank_codes})
    unknown = set(wanted) - await reference.existing_bank_codes(ctx.conn, wanted)
    if unknown:
        raise invalid("bank_codes", f"未知银行：{sorted(unknown)}", f"unknown: {sorted(unknown)}")
    await reference.replace_city_banks(ctx.conn, city_code, wanted, source)
    await record(
        ctx.conn, ctx.actor, ctx.now, Change("city", int(city["code"]), "banks_set", None, None)
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
    city = await require_city(ctx, city_code)
    if effective_from < ctx.today:
        raise invalid(
            "effective_from", "不能早于今天（已生效的政策不可追溯修改）", "must not be in the past"
        )
    try:
        policy = CityPolicy.from_rules(city_code, effective_from, rules)
    except (ValueError, KeyError, TypeError) as bad:
        raise invalid(
            "rules", f"政策内容不完整或有误：{bad}", f"incomplete or wrong: {bad}"
        ) from None
    row = {
        "city_code": city_code,
        "effective_from": effective_from,
        "rules": policy.rules(),
        "source": source,
        "note": note,
    }
    await insert_rows(
        ctx.conn, city_policies, [row], keys=["city_code", "effective_from"], overwrite=True
    )
    await record(
        ctx.conn,
        ctx.actor,
        ctx.now,
        Change("city", int(city["code"]), "policy_set", None, effective_from.isoformat()),
    )
    return policy


async def require_city(ctx: Ctx, city_code: str) -> dict[str, Any]:
    city = await reference.get_city(ctx.conn, city_code)
    if city is None:
        raise NotFound(field="city_code", what_zh="城市", what_en="City")
    return city


async def policy_on(ctx: Ctx, city_code: str) -> CityPolicy:
    """The city's policy in force today (SPEC CITY-3)."""
    policies = await cache.cached(
        ("policies", city_code), lambda: reference.city_policies_of(ctx.conn, city_code)
    )
    return policy_in_force(policies, city_code, ctx.today)
