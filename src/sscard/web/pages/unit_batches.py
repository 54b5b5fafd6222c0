"""The unit portal after an upload (issue 13 items 6 and 8; SPEC APP-3, APP-5, APP-7): the
progress of a batch and of each member, and the photos the unit still owes, supplied one member
at a time through the same standard's checks as the counter's.

Thin: the use cases of units.production and units.photos, as the API's routes call them.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.kernel.actor import Role
from sscard.kernel.errors import DomainError
from sscard.platform.http.guard import UnsupportedMediaType
from sscard.platform.http.request import PathId
from sscard.registry.photo import PhotoRejected
from sscard.units.collection import service as collection
from sscard.units.photos import service as photos
from sscard.units.production import rules as production_rules
from sscard.units.production import service as production
from sscard.web import i18n
from sscard.web.i18n import N_
from sscard.web.pages import counter_labels as labels
from sscard.web.pages.centre_common import beijing, in_language
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import form, of_role, read, run

router = page_router()
agent = of_role(Role.UNIT_AGENT)
PAGE = 100
JPEG = "image/jpeg"
# The page is a file upload: declared so, the guard gives it the photo's body limit.
MULTIPART: dict[str, Any] = {"requestBody": {"content": {"multipart/form-data": {}}}}
STATUS_COLUMNS = [
    (s.value, label)
    for s, label in zip(
        production_rules.PROGRESS_STATES,
        (
            N_("Accepted"),
            N_("In production"),
            N_("Produced"),
            N_("At the outlet"),
            N_("With the unit"),
            N_("Collected"),
            N_("Withdrawn"),
        ),
        strict=True,
    )
]


@router.get("/unit/batches/{reference}/card-progress")
async def batch_progress(
    request: Request,
    reference: str,
    after: int = Query(0, ge=0, le=10_000_000),
    done: str = "",
    who: StaffSession = Depends(agent),
) -> Response:
    """The batch's progress (APP-7): members per status, photos owed, due date in calendar
    days (APP-3), each member masked with its application's status, the hand-overs."""

    async def load(ctx: Any) -> tuple[Any, ...]:
        batch = await production.batch_progress(ctx, reference)
        members, cursor = await production.batch_members(ctx, reference, after, PAGE)
        handovers = await collection.handovers_of_batch(ctx, reference)
        names = await place_names(ctx, i18n.language(request))
        return batch, members, cursor, handovers, names

    batch, members, cursor, handovers, names = await read(request, who.actor, load)
    _ = i18n.translator(request)
    context = {
        "batch": batch,
        "members": members,
        "cursor": cursor,
        "after": after,
        "handovers": handovers,
        "names": names,
        "columns": STATUS_COLUMNS,
        "status_label": lambda zh, code: in_language(request, zh, (code or "").replace("_", " ")),
        "bj": beijing,
        "done": _("The photo meets the standard and is kept.") if done == "photo" else "",
    }
    return render(request, "unit/batch_progress.html", context)


@router.get("/unit/batches/{reference}/members/{row_number}/photo")
async def photo_page(
    request: Request, reference: str, row_number: PathId, who: StaffSession = Depends(agent)
) -> Response:
    """The upload form of one member's photo (APP-5)."""
    member = await _member(request, who, reference, row_number)
    context: dict[str, Any] = {
        "reference": reference,
        "member": member,
        "results": [],
        "refusal": None,
    }
    return render(request, "unit/batch_photo.html", context)


@router.post("/unit/batches/{reference}/members/{row_number}/photo", openapi_extra=MULTIPART)
async def supply_photo(
    request: Request, reference: str, row_number: PathId, who: StaffSession = Depends(agent)
) -> Response:
    """Check the photo against the standard and keep it (units.photos.supply_photo); a refusal
    is shown check by check and nothing is kept."""
    upload = (await form(request)).get("photo")
    data, sent_as = b"", JPEG
    if upload is not None and not isinstance(upload, str):
        try:
            data, sent_as = await upload.read(), upload.content_type or ""
        finally:
            await upload.close()
    try:
        if sent_as.split(";")[0].strip().lower() != JPEG:  # what the API takes (PUT, 415)
            raise UnsupportedMediaType(field="photo", given=sent_as[:60], accepted=JPEG)
        await run(
            request, who.actor, lambda ctx: photos.supply_photo(ctx, reference, row_number, data)
        )
    except DomainError as refusal:
        defects = refusal.defects if isinstance(refusal, PhotoRejected) else []
        member = await _member(request, who, reference, row_number)
        lang = i18n.language(request)
        context = {
            "reference": reference,
            "member": member,
            "results": labels.photo_results(defects, lang, i18n.translator(request)),
            "refusal": None if defects else refusal,
        }
        return render(request, "unit/batch_photo.html", context, status=refusal.status)
    return redirect(request, f"/unit/batches/{reference}/card-progress?done=photo")


async def _member(
    request: Request, who: StaffSession, reference: str, row_number: int
) -> dict[str, Any] | None:
    """The member on `row_number`, as the progress lists it (None past the batch's rows)."""
    members, _ = await read(
        request,
        who.actor,
        lambda ctx: production.batch_members(ctx, reference, row_number - 1, 1),
    )
    return members[0] if members and members[0]["row_number"] == row_number else None
