"""The transport wallet's clearing at the card centre (issue 15 items 3 and 5; SPEC TRN-1,
TRN-3): a day's fares by operator, the cards' city and mode, what each city's operators
collected from other cities' cards (as a file too), and the operators' offline clearing files
with each file's report. A city's centre sees what involves its city.

The same use cases as the API (`GET /api/v1/transport/clearing`,
`/api/v1/transport/clearing-files/{id}`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Depends, Path, Query, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.kernel.db import MAX_ID
from sscard.kernel.errors import DomainError, invalid
from sscard.transport import service as transport
from sscard.transport.endpoints import clearing_csv
from sscard.transport.offline import service as offline
from sscard.transport.offline.rules import MAX_LINES
from sscard.web import i18n
from sscard.web.i18n import N_
from sscard.web.pages.centre_common import ADMIN, errors_of, page_context
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import read

router = page_router("/centre")
MODES = {"bus": N_("Bus"), "metro": N_("Metro"), "tram": N_("Tram"), "ferry": N_("Ferry")}


def _day(text: str, today: date) -> date:
    if not text.strip():
        return today
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise invalid(
            "day", "须为日期，如2026-11-23", "must be a date such as 2026-11-23"
        ) from None


@router.get("/transport")
async def transport_page(
    request: Request,
    day: str = Query("", max_length=10),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    errors: dict[str, str] = {}
    status = 200

    async def both(ctx: Any) -> dict[str, Any]:
        chosen = _day(day, ctx.today)
        return {"clearing": await transport.clearing(ctx, chosen),
                "files": await offline.recent_files(ctx),
                "names": await place_names(ctx, i18n.language(request))}  # fmt: skip

    try:
        found = await read(request, who.actor, both)
    except DomainError as refusal:
        errors, status = errors_of(request, refusal), refusal.status
        found = await read(request, who.actor, lambda ctx: _files_only(ctx))
    context = page_context(request, found=found, modes=MODES, errors=errors,
                           values={"day": day})  # fmt: skip
    return render(request, "centre/transport.html", context, status=status)


@router.get("/transport/clearing.csv")
async def clearing_file(
    request: Request,
    day: str = Query("", max_length=10),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    """The day's clearing file, as the API's `format=csv` gives it, for the signed-in console
    (the API link answered 401 in the browser: a session carries no bearer token)."""
    found = await read(
        request, who.actor, lambda ctx: transport.clearing(ctx, _day(day, ctx.today))
    )
    return Response(
        clearing_csv(found["rows"]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="clearing-{found["day"]}.csv"'},
    )


async def _files_only(ctx: Any) -> dict[str, Any]:
    return {"clearing": None, "files": await offline.recent_files(ctx), "names": None}


@router.get("/transport/files/{file_id}")
async def clearing_file_page(
    request: Request,
    file_id: int = Path(ge=1, le=MAX_ID),
    after: int = Query(0, ge=0, le=MAX_LINES),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    report = await read(request, who.actor, lambda ctx: offline.file_report(ctx, file_id, after))
    context = page_context(request, report=report, after=after)
    return render(request, "centre/transport_file.html", context)
