"""Administrator edits of reference data (SPEC GOV-1, CITY-2, CITY-3) and calendar years (§17)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import InvalidInput, NotFound
from sscard.kernel.upsert import insert_rows
from sscard.platform import cache
from sscard.platform.history import Change, record
from sscard.registry import repository as repo
from sscard.registry.calendar.permissions import LOAD_CALENDAR_YEAR
from sscard.registry.models import city_policies
from sscard.registry.reference.permissions import EDIT_REFERENCE_DATA
from sscard.registry.reference.policy import CityPolicy

OUTLET_OPERATIONS = frozenset(
    {
        "apply",
        "collect",
        "replace",
        "exchange",
        "upgrade",
        "formal_loss",
        "unlock",
        "financial_activation",
        "base_data_change",
        "cancel",
        "jurisdiction_change",
        "password",
        "temporary_medical_card",
        "transport_refund",
    }
)


def _invalid(field: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(field=field, field_name=field, reason_zh=zh, reason_en=en)


async def update_outlet(ctx: Ctx, code: str, changes: dict[str, Any]) -> dict[str, Any]:
    authorize(ctx.actor, EDIT_REFERENCE_DATA)
    cache.clear()
    outlet = await repo.get_outlet_by_code(ctx.conn, code)
    if outlet is None:
        raise NotFound(field="outlet_code", what_zh="网点", what_en="Outlet")
    unknown = set(changes.get("operations") or ()) - OUTLET_OPERATIONS
    if unknown:
        raise _invalid("operations", f"未知业务：{sorted(unknown)}", f"unknown: {sorted(unknown)}")
    if changes:
        await repo.update_outlet(ctx.conn, code, changes)
        await record(
            ctx.conn,
            ctx.actor,
            ctx.now,
            Change("outlet", outlet["id"], "edited", None, None, ",".join(sorted(changes))),
        )
    updated = await repo.get_outlet_by_code(ctx.conn, code)
    assert updated is not None
    return updated


async def set_city_banks(ctx: Ctx, city_code: str, bank_codes: list[str], source: str) -> list[str]:
    """Replace a city's list of cooperating banks (SPEC CITY-2)."""
    authorize(ctx.actor, EDIT_REFERENCE_DATA)
    cache.clear()
    city = await require_city(ctx, city_code)
    wanted = sorted({b.strip().upper() for b in bank_codes})
    unknown = set(wanted) - await repo.existing_bank_codes(ctx.conn, wanted)
    if unknown:
        raise _invalid("bank_codes", f"未知银行：{sorted(unknown)}", f"unknown: {sorted(unknown)}")
    await repo.replace_city_banks(ctx.conn, city_code, wanted, source)
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
        raise _invalid(
            "effective_from", "不能早于今天（已生效的政策不可追溯修改）", "must not be in the past"
        )
    try:
        policy = CityPolicy.from_rules(city_code, effective_from, rules)
    except (ValueError, KeyError, TypeError) as bad:
        raise _invalid(
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
    city = await repo.get_city(ctx.conn, city_code)
    if city is None:
        raise NotFound(field="city_code", what_zh="城市", what_en="City")
    return city


async def load_calendar_year(
    ctx: Ctx,
    year: int,
    holidays: list[tuple[date, str]],
    workdays: list[tuple[date, str]],
    source: str,
) -> int:
    """Load (or correct) one year's statutory holidays and adjusted working days (§17)."""
    authorize(ctx.actor, LOAD_CALENDAR_YEAR)
    cache.clear()
    _check_year_days(year, holidays, workdays)
    days = [{"day": d, "kind": "holiday", "name": n} for d, n in holidays]
    days += [{"day": d, "kind": "workday", "name": n} for d, n in workdays]
    await repo.replace_calendar_year(ctx.conn, year, days, source, ctx.now)
    await record(
        ctx.conn, ctx.actor, ctx.now, Change("calendar", year, "year_loaded", None, source)
    )
    return len(days)


def _check_year_days(
    year: int, holidays: list[tuple[date, str]], workdays: list[tuple[date, str]]
) -> None:
    if not 2000 <= year <= 2100:
        raise _invalid("year", "年份须在2000至2100之间", "must be between 2000 and 2100")
    for field, days in (("holidays", holidays), ("adjusted_workdays", workdays)):
        for i, (day, _name) in enumerate(days):
            if day.year != year:
                raise _invalid(f"{field}.{i}.day", f"不在{year}年内", f"is not in {year}")
    seen = [d for d, _ in holidays] + [d for d, _ in workdays]
    if len(seen) != len(set(seen)):
        raise _invalid("holidays", "同一天出现了两次", "a day is listed twice")
    for i, (day, _name) in enumerate(workdays):
        if day.weekday() < 5:
            raise _invalid(
                f"adjusted_workdays.{i}.day",
                "调休上班日须为周末",
                "an adjusted working day must be a Saturday or Sunday",
            )
