"""Application lists at the card centre (issue 14 item 13; SPEC YRD-2): what the delta's, the
province's and a city's lists allow today, every version of each, and a new version published
from a day on (the province the delta's and its own, a city's centre its city's).

The same use cases as the API (`/api/v1/application-lists`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.kernel.actor import Role
from sscard.kernel.errors import DomainError, invalid
from sscard.scenes.lists import service as lists
from sscard.scenes.lists.rules import ListScope
from sscard.scenes.rules import KIND_EN, KIND_USES, KIND_ZH, USE_EN, USE_ZH, SceneKind, SceneUse
from sscard.web import i18n
from sscard.web.pages.centre_common import ADMIN, city_choices, errors_of, page_context
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import form, form_values, run, takes_lists

router = page_router("/centre")
takes_lists("entry")
FIELDS = ("scope", "city_code", "effective_from", "note")


def _grid(request: Request) -> list[dict[str, Any]]:
    """Every use with the kinds of scene that may ask for it: the form's checkboxes."""
    english = i18n.language(request) == "en"
    return [
        {
            "use": use.value,
            "label": (USE_EN if english else USE_ZH)[use],
            "kinds": [
                (kind.value, (KIND_EN if english else KIND_ZH)[kind])
                for kind in SceneKind
                if use in KIND_USES[kind]
            ],
        }
        for use in SceneUse
    ]


async def _page(
    request: Request,
    who: StaffSession,
    city: str,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    published: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    cities = await city_choices(request, who)
    city = city if any(c.code == city for c in cities) else cities[0].code
    found = await run(request, who.actor, lambda ctx: lists.published(ctx, city))
    scopes = [ListScope.CITY] if who.actor.role is Role.CENTRE_ADMIN else list(ListScope)
    context = page_context(
        request,
        city=city,
        cities=cities,
        found=found,
        grid=_grid(request),
        scopes=[(s.value, lists.SCOPE_ZH[s]) for s in scopes],
        values=values or {"scope": scopes[0].value, "city_code": city, "entry": []},
        errors=errors or {},
        published=published,
    )
    return render(request, "centre/lists.html", context, status=status)


@router.get("/application-lists")
async def lists_page(
    request: Request,
    city: str = Query("", pattern=r"^(32[0-9]{2})?$"),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    return await _page(request, who, city or (who.actor.city_code or "3201"))


@router.post("/application-lists")
async def publish(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    data = await form(request)
    values: dict[str, Any] = form_values(data, *FIELDS)
    values["entry"] = [str(v) for v in data.getlist("entry")]
    try:
        new = _new_list(values)
        made = await run(request, who.actor, lambda ctx: lists.publish(ctx, new))
    except DomainError as refusal:
        errors = errors_of(request, refusal)
        city = values["city_code"] or (who.actor.city_code or "3201")
        return await _page(request, who, city, values=values, errors=errors,
                           status=refusal.status)  # fmt: skip
    city = made["city_code"] or values["city_code"] or (who.actor.city_code or "3201")
    return await _page(request, who, city, published=made, status=201)


def _new_list(values: dict[str, Any]) -> lists.NewList:
    try:
        scope = ListScope(values["scope"])
    except ValueError:
        raise invalid("scope", "请选择清单", "choose a list") from None
    try:
        day = date.fromisoformat(values["effective_from"].strip())
    except ValueError:
        zh, en = "须为日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"
        raise invalid("effective_from", zh, en) from None
    by_use: dict[str, list[str]] = {}
    for ticked in values["entry"]:
        use, _, kind = ticked.partition(":")
        by_use.setdefault(use, []).append(kind)
    entries = [{"use": u, "kinds": k} for u, k in by_use.items()]
    city = values["city_code"] if scope is ListScope.CITY else None
    return lists.NewList(scope, city or None, day, entries, values["note"])
