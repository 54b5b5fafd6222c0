"""The counter's view of a person (SPEC ID-1..6, APP-5): registered, given a photo, looked up,
always answered with their documents, cards and open application, masked.

The persons routes live here, not in the registry, because the answer joins what three contexts
hold (the registry's person, the cards, the application in progress)."""

from __future__ import annotations

from typing import Any

from sscard.applications.counter import repository as counter
from sscard.applications.counter.rules import PhotoContext, check_photo_change
from sscard.applications.lifecycle import ApplicationStatus
from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import NotFound
from sscard.platform.access.rules import Purpose
from sscard.registry import service as registry
from sscard.registry.documents import normalise_number
from sscard.registry.permissions import ATTACH_PHOTO, LOOKUP_PERSON
from sscard.registry.service import PersonRegistration, person_view


async def person_overview(ctx: Ctx, person_id: int) -> dict[str, Any]:
    """What a clerk or agent needs: the person (masked), their cards, their open application."""
    authorize(ctx.actor, LOOKUP_PERSON)
    person = await counter.person_at_counter(ctx.conn, person_id=person_id)
    if person is not None:
        await registry.reach_person(ctx, person)
    return await _overview(ctx, person, "person_id")


async def lookup_by_ssn(ctx: Ctx, ssn: str) -> dict[str, Any]:
    """The person whose social security number this is, typed as registration takes it
    (full-width digits, spaces, a lower-case x); NotFound otherwise (SPEC ID-6: POST only)."""
    authorize(ctx.actor, LOOKUP_PERSON)
    index = ctx.vault.index(normalise_number(ssn))
    person = await counter.person_at_counter(ctx.conn, ssn_index=index)
    if person is not None:
        await registry.document_presented(ctx, person, Purpose.DOCUMENT_PRESENTED)
    return await _overview(ctx, person, "social_security_number")


async def _overview(ctx: Ctx, person: dict[str, Any] | None, field: str) -> dict[str, Any]:
    if person is None:
        raise NotFound(field=field, what_zh="人员", what_en="Person")
    body = person_view(person, ctx.today)
    body["documents"] = [d for d in person["documents"] or [] if d]
    body["has_photo"] = bool(person["has_photo"])
    body["cards"] = [c for c in person["cards"] or [] if c]
    body["open_application"] = person["open_application"]
    return body


async def register(ctx: Ctx, registration: PersonRegistration) -> dict[str, Any]:
    """Register a person with a document (ID-1, ID-2), answered as the counter sees them."""
    person_id = await registry.register_person(ctx, registration)
    return await person_overview(ctx, person_id)


async def attach_photo(ctx: Ctx, person_id: int, photo: bytes) -> dict[str, Any]:
    """Attach the person's photo, checked against the standard (APP-5), only for a person whose
    document was presented at this outlet (NotFound otherwise) and inside a process that needs
    it (counter/rules.py: PhotoLockedInProduction, PhotoNotInAProcess; issue 11)."""
    authorize(ctx.actor, ATTACH_PHOTO)
    person = await counter.person_at_counter(ctx.conn, person_id=person_id)
    if person is None:
        raise NotFound(field="person_id", what_zh="人员", what_en="Person")
    await registry.reach_person(ctx, person, "photo")
    has_photo, live, opened = await counter.photo_context(ctx.conn, person_id)
    applications = tuple((ApplicationStatus(a["status"]), a["outlet_id"]) for a in opened)
    check_photo_change(PhotoContext(has_photo, live, applications), ctx.actor.outlet_id)
    await registry.attach_photo(ctx, person_id, photo)
    return await person_overview(ctx, person_id)
