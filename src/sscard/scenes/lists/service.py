"""The application lists' use cases (SPEC YRD-2): which lists are in force for a city today,
whether a use at a kind of scene is on one of them, what is published, and publishing a new
version. Version 1 of the delta's and the province's list ships with sscard (data/); every
later version is published here and takes effect on its day."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib.resources import files
from typing import Any

from sscard.kernel.actor import Role, authorize, require_own_city
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import Forbidden, NotFound, invalid
from sscard.kernel.text import unsafe_characters
from sscard.platform import cache as reference_cache
from sscard.registry.reference import service as reference
from sscard.scenes.lists import repository as repo
from sscard.scenes.lists.permissions import PUBLISH_APPLICATION_LIST
from sscard.scenes.lists.rules import (
    FIRST_VERSION,
    SCOPE_ZH,
    ApplicationList,
    ListScope,
    as_items,
    entries_of,
    listed_refusal,
)
from sscard.scenes.rules import Refusal, SceneKind, SceneUse

NOTE_MAX = 200
MAX_DAYS_AHEAD = 731  # a version is published at most two years before it takes effect


class NotYourList(Forbidden):
    code = "not_your_list"
    rule = "YRD-2"
    message_zh = "城市卡管中心只能发布本市的应用项目清单；长三角和全省清单由省卡管中心发布"
    message_en = (
        "A city's centre publishes its own city's list; the delta's and the province's are the "
        "province's to publish"
    )


@cache
def _shipped() -> dict[str, Any]:
    text = files("sscard.scenes.lists").joinpath("data/application_lists.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def shipped(scope: ListScope) -> ApplicationList | None:
    """Version 1 of the delta's or the province's list, as shipped; None for a city's."""
    found = _shipped().get(scope.value)
    if found is None:
        return None
    return ApplicationList(
        scope, None, FIRST_VERSION, date.fromisoformat(found["effective_from"]),
        entries_of(found["entries"]), found["note"],
    )  # fmt: skip


async def in_force(ctx: Ctx, city_code: str) -> list[ApplicationList]:
    """The delta's, the province's and the city's lists in force today (cached briefly)."""
    return await reference_cache.cached(
        ("application_lists", city_code, ctx.today), lambda: _load(ctx, city_code, ctx.today)
    )


async def _load(ctx: Ctx, city_code: str, day: date) -> list[ApplicationList]:
    out = []
    for scope, city in ((ListScope.DELTA, None), (ListScope.PROVINCE, None),
                        (ListScope.CITY, city_code)):  # fmt: skip
        row = await repo.in_force(ctx.conn, scope.value, city, day)
        if row is not None:
            entries = frozenset((SceneUse(u), SceneKind(k)) for u, k in row["entries"])
            out.append(ApplicationList(scope, city, row["version"], row["effective_from"],
                                       entries, row["note"]))  # fmt: skip
            continue
        first = shipped(scope)
        if first is not None and first.effective_from <= day:
            out.append(first)
    return out


async def refusal(
    ctx: Ctx, city_code: str, use: SceneUse, kind: SceneKind, delta_only: bool = False
) -> Refusal | None:
    """YRD-2: None if a list in force in the scene's city includes the use at its kind; for a
    card of another delta province (`delta_only`), the delta's own list only."""
    lists = await in_force(ctx, city_code)
    if delta_only:
        lists = [lst for lst in lists if lst.scope is ListScope.DELTA]
    return listed_refusal(lists, use, kind)


async def published(ctx: Ctx, city_code: str) -> dict[str, Any]:
    """What is in force in a city today, list by list, and all of them together (public)."""
    await _known_city(ctx, city_code)
    lists = await in_force(ctx, city_code)
    together = frozenset().union(*(lst.entries for lst in lists)) if lists else frozenset()
    return {
        "city_code": city_code,
        "on": ctx.today,
        "lists": [_view(lst) for lst in lists],
        "together": as_items(together),
    }


async def _known_city(ctx: Ctx, city_code: str) -> None:
    try:
        await reference.require_city(ctx, city_code)
    except NotFound:
        raise invalid("city_code", "未知城市", "unknown city") from None


def _view(lst: ApplicationList) -> dict[str, Any]:
    return {
        "scope": lst.scope.value,
        "scope_zh": SCOPE_ZH[lst.scope],
        "city_code": lst.city_code,
        "version": lst.version,
        "effective_from": lst.effective_from,
        "note": lst.note,
        "entries": as_items(lst.entries),
    }


@dataclass(frozen=True)
class NewList:
    """A version to publish: which list, from when, what it includes, why."""

    scope: ListScope
    city_code: str | None
    effective_from: date
    entries: list[dict[str, Any]]
    note: str


async def publish(ctx: Ctx, new: NewList) -> dict[str, Any]:
    """YRD-2: a new version of a list, in force from its day (today or later). A city's centre
    publishes its city's list only (NotYourList otherwise); InvalidInput for a list with no
    city or a city where none belongs, a day past, an entry no scene can ask for."""
    authorize(ctx.actor, PUBLISH_APPLICATION_LIST)
    city = new.city_code if new.scope is ListScope.CITY else None
    if new.scope is ListScope.CITY:
        if not city:
            raise invalid("city_code", "城市清单须指明城市", "a city's list names its city")
        require_own_city(ctx.actor, city, "city_code")
        await _known_city(ctx, city)
    elif new.city_code:
        raise invalid(
            "city_code", "长三角和全省清单不属于某个城市", "only a city's list has a city"
        )
    elif ctx.actor.role is Role.CENTRE_ADMIN:
        raise NotYourList(field="scope")
    if not ctx.today <= new.effective_from <= ctx.today + timedelta(days=MAX_DAYS_AHEAD):
        zh, en = "须为今天起两年内的日期", "must be a date from today to two years on"
        raise invalid("effective_from", zh, en)
    note = new.note.strip()
    if not note or len(note) > NOTE_MAX or unsafe_characters(note):
        raise invalid("note", f"须为1至{NOTE_MAX}个字符", f"must be 1 to {NOTE_MAX} characters")
    entries = entries_of(new.entries)
    first = 0 if new.scope is ListScope.CITY else FIRST_VERSION  # a city's list starts at 1
    version = max(await repo.last_version(ctx.conn, new.scope.value, city), first) + 1
    row = {"scope": new.scope.value, "city_code": city, "version": version,
           "effective_from": new.effective_from, "note": note, "published_at": ctx.now,
           "published_by": ctx.actor.id}  # fmt: skip
    await repo.insert_list(ctx.conn, row, [(u.value, k.value) for u, k in entries])
    reference_cache.clear()
    return row | {"entries": as_items(entries)}


async def history(ctx: Ctx, scope: ListScope, city_code: str | None) -> list[dict[str, Any]]:
    """Every version of one list, newest first, version 1 (shipped) included (public)."""
    city = city_code if scope is ListScope.CITY else None
    if scope is ListScope.CITY:
        if not city:
            raise invalid("city_code", "城市清单须指明城市", "a city's list names its city")
        await _known_city(ctx, city)
    rows = await repo.history(ctx.conn, scope.value, city)
    out = [{"version": r["version"], "effective_from": r["effective_from"], "note": r["note"],
            "published_at": r["published_at"]} for r in rows]  # fmt: skip
    first = shipped(scope)
    if first is not None:
        out.append({"version": FIRST_VERSION, "effective_from": first.effective_from,
                    "note": first.note, "published_at": None})  # fmt: skip
    return out
