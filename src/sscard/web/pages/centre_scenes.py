"""Scenes at the card centre (issue 14 item 7; SPEC SCN-1): the city's hospitals, pharmacies,
scenic spots, museums, libraries, halls and hotels that accept the card, registered here with
their terminals; a terminal's token and signing key are shown once, on the answer to the form
that made it; what the terminals did with cards, counted, without a person in it.

The same use cases as the API (`/api/v1/scenes...`)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from fastapi import Depends, Path, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.kernel.clock import CHINA
from sscard.kernel.errors import DomainError
from sscard.registry.reference import service as reference
from sscard.scenes import service as scenes
from sscard.scenes.rules import KIND_EN, KIND_ZH, USE_EN, USE_ZH, SceneKind, SceneUse
from sscard.web import i18n
from sscard.web.pages.centre_common import ADMIN, errors_of, page_context
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import form, form_values, run, unit

router = page_router("/centre")
FIELDS = ("code", "name", "kind", "city_code", "area_code")
DAYS = 7
SceneCode = Path(min_length=6, max_length=20, pattern=r"^[A-Za-z0-9]+$")


def _kinds(request: Request) -> list[tuple[str, str]]:
    english = i18n.language(request) == "en"
    return [(k.value, (KIND_EN if english else KIND_ZH)[k]) for k in SceneKind]


def _use_label(request: Request) -> Any:
    english = i18n.language(request) == "en"
    return lambda use: (USE_EN if english else USE_ZH).get(SceneUse(use), use)


async def _list_page(
    request: Request,
    who: StaffSession,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    found = await run(request, who.actor, scenes.list_scenes)
    cities = await run(request, who.actor, reference.cities)
    own = who.actor.city_code if who.actor.city_code else None
    english = i18n.language(request) == "en"
    context = page_context(
        request,
        scenes=found,
        cities=[c for c in cities if own is None or c.code == own],
        city_name={c.code: c.name_en if english else c.name_zh for c in cities},
        kinds=_kinds(request),
        kind_label=dict(_kinds(request)),
        values=values or {"kind": SceneKind.HOSPITAL.value, "city_code": own or ""},
        errors=errors or {},
    )
    return render(request, "centre/scenes.html", context, status=status)


@router.get("/scenes")
async def scene_list(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    return await _list_page(request, who)


@router.post("/scenes")
async def register_scene(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    values = form_values(await form(request), *FIELDS)
    area = values["area_code"].strip() or None  # a fare zone: a county-level area of the city
    new = scenes.NewScene(values["code"], values["name"], values["kind"], values["city_code"], area)
    try:
        made = await run(request, who.actor, lambda ctx: scenes.register_scene(ctx, new))
    except DomainError as refusal:
        errors = errors_of(request, refusal)
        return await _list_page(request, who, values=values, errors=errors, status=refusal.status)
    return await _scene_page(request, who, made["code"], registered=True, status=201)


async def _scene_page(
    request: Request,
    who: StaffSession,
    code: str,
    *,
    registered: bool = False,
    issued: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    async with unit(request, who.actor) as ctx:
        found = await scenes.scene(ctx, code)
        since = await _since(ctx)
        uses = await scenes.scene_uses(ctx, code, since, DAYS)
        names = await place_names(ctx, i18n.language(request))
    context = page_context(
        request,
        scene=found,
        names=names,
        kind_label=dict(_kinds(request)),
        use_label=_use_label(request),
        counts=uses["counts"],
        since=since,
        days=DAYS,
        registered=registered,
        issued=issued,
        errors=errors or {},
        values=values or {"language": "zh"},
    )
    return render(request, "centre/scene.html", context, status=status)


async def _since(ctx: Any) -> datetime:
    """The start of the last DAYS days, Beijing time, by the service's clock."""
    first = ctx.today - timedelta(days=DAYS - 1)
    return datetime.combine(first, time(0), CHINA)


@router.get("/scenes/{code}")
async def scene_page(
    request: Request, code: str = SceneCode, who: StaffSession = Depends(ADMIN)
) -> Response:
    return await _scene_page(request, who, code)


@router.post("/scenes/{code}/terminals")
async def register_terminal(
    request: Request, code: str = SceneCode, who: StaffSession = Depends(ADMIN)
) -> Response:
    values = form_values(await form(request), "terminal_code", "language")
    try:
        issued = await run(
            request,
            who.actor,
            lambda ctx: scenes.register_terminal(
                ctx, code, values["terminal_code"], values["language"] or "zh"
            ),
        )
    except DomainError as refusal:
        errors = errors_of(request, refusal)
        return await _scene_page(
            request, who, code, errors=errors, values=values, status=refusal.status
        )
    return await _scene_page(request, who, code, issued=issued, status=201)


@router.post("/scenes/{code}/terminals/{terminal_code}/deactivate")
async def take_terminal_out(
    request: Request,
    code: str = SceneCode,
    terminal_code: str = Path(max_length=32),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    await form(request)
    await run(request, who.actor, lambda ctx: scenes.take_terminal_out(ctx, code, terminal_code))
    return await _scene_page(request, who, code)
