"""The Yangtze River Delta exchange at the card centre (issue 14 item 12; SPEC YRD-1..3): the
other provinces' linked nodes, what crossed the exchange both ways over the last 30 days, the
Jiangsu cards each province follows, and (the province only) linking or renewing a node, its
token and key shown once.

The same use cases as the API (`GET /api/v1/delta`, `PUT /api/v1/delta/nodes/{province}`)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.delta import service as delta
from sscard.delta.permissions import LINK_DELTA_NODE
from sscard.delta.rules import PEERS, PROVINCE_EN, PROVINCE_ZH
from sscard.kernel.errors import DomainError
from sscard.scenes.rules import USE_ZH, SceneUse
from sscard.web import i18n
from sscard.web.i18n import N_
from sscard.web.pages.centre_common import ADMIN, errors_of, page_context
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import form, form_values, run

router = page_router("/centre")
FIELDS = ("province_code", "base_url", "renew")
DIRECTIONS = {"asked_us": N_("They asked about a Jiangsu card"),
              "we_asked": N_("A Jiangsu scene asked about theirs")}  # fmt: skip


async def _page(
    request: Request,
    who: StaffSession,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    linked: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    found = await run(request, who.actor, lambda ctx: delta.overview(ctx, 30))
    english = i18n.language(request) == "en"
    names = PROVINCE_EN if english else PROVINCE_ZH
    context = page_context(
        request,
        found=found,
        names=names,
        directions=DIRECTIONS,
        uses={u.value: (u.value if english else USE_ZH[u]) for u in SceneUse},
        may_link=who.actor.role in LINK_DELTA_NODE.roles,
        provinces=[(code, f"{code} {names[code]}") for code in sorted(PEERS)],
        values=values or {"province_code": "31"},
        errors=errors or {},
        linked=linked,
    )
    return render(request, "centre/delta.html", context, status=status)


@router.get("/delta")
async def delta_page(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    return await _page(request, who)


@router.post("/delta/nodes")
async def link_node(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    values = form_values(await form(request), *FIELDS)
    code, url, renew = values["province_code"], values["base_url"], values["renew"] == "yes"
    try:
        linked = await run(request, who.actor, lambda ctx: delta.link_node(ctx, code, url, renew))
    except DomainError as refusal:
        return await _page(request, who, values=values, errors=errors_of(request, refusal),
                           status=refusal.status)  # fmt: skip
    return await _page(request, who, linked=linked)
