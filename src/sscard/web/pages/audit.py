"""The auditor's pages (issue 12 item 7, SPEC GOV-5, ID-6): the access log of full-record reads,
filtered as the API filters it (`GET /api/v1/access-log`), the verification of every reader's
SM3 chain (`GET /api/v1/access-log/verify`), and the history of any card or application.

Read only: every page is a GET and no form changes anything. A card's history read by the
auditor is itself a full-record read, logged in the auditor's own chain like any other.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from sscard.actors.staff.service import StaffSession
from sscard.applications import service as applications
from sscard.cards import service as cards
from sscard.kernel.actor import Role
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import MAX_ID
from sscard.kernel.errors import DomainError
from sscard.platform.access import service as access
from sscard.platform.http.request import IdField
from sscard.platform.paging import page
from sscard.web import forms, i18n
from sscard.web.i18n import N_
from sscard.web.pages.hotline import APPLICATION_STATUS, BEIJING, HR_STATUS, labels
from sscard.web.pages.names import PlaceNames, place_names
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import of_role, run, unit

router = page_router()
AUDITOR = of_role(Role.AUDITOR)
FILTERS = ("person_id", "actor_id", "since", "until", "after", "limit")
PURPOSE = {
    "document_presented": N_("Document presented"),
    "registered": N_("Registered at the counter"),
    "presented_earlier": N_("Document presented earlier"),
    "own_city": N_("Own city's centre"),
    "province": N_("Province's centre"),
    "holder": N_("The holder"),
    "own_bank": N_("The card's bank"),
    "audit": N_("Audit"),
    "credential_shown": N_("Card shown at a scene"),
}
SUBJECT = {
    "person": N_("Person"),
    "card": N_("Card"),
    "application": N_("Application"),
    "card_history": N_("Card history"),
    "credit_record": N_("Credit record"),
    "photo": N_("Photo"),
    "temporary_medical_card": N_("Temporary medical card"),
}
EVENT = {
    "accepted": N_("Application accepted"),
    "start_production": N_("Production started"),
    "finish_production": N_("Card made"),
    "deliver_to_outlet": N_("Delivered to the outlet"),
    "collect": N_("Collected"),
    "withdraw": N_("Withdrawn"),
    "produced": N_("Card produced"),
    "hr_activated": N_("Social security function active"),
    "report_temporary_loss": N_("Temporary loss"),
    "lift_temporary_loss": N_("Temporary loss lifted after 7 days"),
    "report_formal_loss": N_("Formal loss"),
    "unlock": N_("Unlocked"),
    "apply_replacement": N_("Replacement applied for"),
    "apply_exchange": N_("Exchange applied for"),
    "cancel": N_("Cancelled"),
    "void": N_("Voided"),
    "change_city": N_("City changed"),
    "reset_social_data": N_("Social data reset"),
}


class LogQuery(BaseModel):
    """The access log's filters, bounded as the API's query parameters are."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    person_id: IdField | None = None
    actor_id: IdField | None = None
    since: datetime | None = None
    until: datetime | None = None
    after: int = Field(0, ge=0, le=MAX_ID)
    limit: int = Field(100, ge=1, le=1000)

    def log_filter(self) -> access.LogFilter:
        """The use case's filter; a moment typed without a zone is Beijing time."""
        since, until = (_beijing(m) for m in (self.since, self.until))
        return access.LogFilter(self.person_id, self.actor_id, since, until, self.after, self.limit)


def _beijing(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=BEIJING)


def audit_labels(request: Request) -> dict[str, Any]:
    """The names a history or the access log is shown with, in the page language."""
    _ = i18n.translator(request)

    def of(table: dict[str, str]) -> Any:
        return lambda v: _(table[v]) if v in table else (v or "—")

    def state(entity: str, value: str | None) -> str:
        table = HR_STATUS if entity == "card" else APPLICATION_STATUS
        return (_(table[value]) if value in table else value) if value else "—"

    return {
        **labels(request),
        "purpose_label": of(PURPOSE),
        "subject_label": of(SUBJECT),
        "event_label": of(EVENT),
        "state_label": state,
    }


@router.get("/audit")
async def access_log(request: Request, who: StaffSession = Depends(AUDITOR)) -> Response:
    """Who read which full record, when and on what ground; filtered like the API."""
    values = {k: request.query_params.get(k, "") for k in FILTERS}
    context: dict[str, Any] = {**audit_labels(request), "values": values, "errors": {}}
    context.update(rows=[], next_page=None)
    lang = i18n.language(request)

    async def load(ctx: Ctx, f: access.LogFilter) -> tuple[dict[str, Any], PlaceNames]:
        return await page(access.entries(ctx, f)), await place_names(ctx, lang)

    try:
        f = forms.parse(LogQuery, values).log_filter()
        found, names = await run(request, who.actor, lambda ctx: load(ctx, f))
    except DomainError as refusal:
        context["errors"] = forms.field_messages(request, refusal)
        return render(request, "audit/log.html", context, status=refusal.status)
    if found["next_after"] is not None:
        kept = {k: v for k, v in values.items() if v and k != "after"}
        context["next_page"] = "/audit?" + urlencode({**kept, "after": found["next_after"]})
    context.update(rows=found["items"], names=names)
    return render(request, "audit/log.html", context)


@router.get("/audit/verify")
async def verify(request: Request, who: StaffSession = Depends(AUDITOR)) -> Response:
    """Every reader's chain recomputed: a changed, removed or inserted entry shows where."""
    chains = await run(request, who.actor, access.verify)
    broken = [c for c in chains if c["broken_at"] is not None]
    context = {**audit_labels(request), "chains": chains, "broken": broken}
    return render(request, "audit/verify.html", context)


@router.get("/audit/history")
async def history(
    request: Request,
    card_number: str = "",
    reference: str = "",
    who: StaffSession = Depends(AUDITOR),
) -> Response:
    """Every recorded change to a card, or to an application and its card (SPEC CH-2)."""
    values = {"card_number": card_number.strip(), "reference": reference.strip()}
    context: dict[str, Any] = {**audit_labels(request), "values": values, "errors": {}}
    context.update(rows=None, subject="")
    try:
        async with unit(request, who.actor) as ctx:
            if values["card_number"]:
                context["rows"] = await cards.history_of(ctx, values["card_number"])
                context["subject"] = values["card_number"].upper()
            elif values["reference"]:
                context["rows"] = await applications.history_of(ctx, values["reference"])
                context["subject"] = values["reference"].upper()
    except DomainError as refusal:
        context["errors"] = forms.field_messages(request, refusal)
        context["rows"] = None
        return render(request, "audit/history.html", context, status=refusal.status)
    return render(request, "audit/history.html", context)
