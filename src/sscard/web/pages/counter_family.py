"""The HR outlet counter's family binding pages (亲情服务, SPEC ECARD-4, ID-4; issue 13 item 1):
the clerk records a binding with both persons' documents and the proof of the relation in hand,
finds a person's bindings by their document, and ends one.

Every route calls the use case the API's endpoint calls (`actors.family.service`); a refusal is
shown next to its field with what was typed kept, and nothing is stored.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.actors.family import service as family
from sscard.actors.family.rules import Proof, Relation
from sscard.actors.family.schemas import BindingIn
from sscard.actors.staff.service import StaffSession
from sscard.applications.counter import service as counter
from sscard.kernel.errors import DomainError, NotFound
from sscard.platform.http.request import PathId
from sscard.registry.schemas import LookupIn
from sscard.web import forms, i18n
from sscard.web.i18n import N_
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import at_desk, form, form_values, run

router = page_router("/counter/family")
CLERK = at_desk("/counter")  # an HR outlet's clerk
FIELDS = (
    "relative_social_security_number",
    "dependant_social_security_number",
    "relation",
    "proof",
    "proof_reference",
)
RELATIONS = {
    Relation.PARENT: N_("Parent"),
    Relation.GRANDPARENT: N_("Grandparent"),
    Relation.CHILD: N_("Child"),
    Relation.GRANDCHILD: N_("Grandchild"),
    Relation.SPOUSE: N_("Spouse"),
    Relation.SIBLING: N_("Sibling"),
    Relation.LEGAL_GUARDIAN: N_("Legal guardian"),
}
PROOFS = {
    Proof.HOUSEHOLD_REGISTER: N_("Household register"),
    Proof.BIRTH_CERTIFICATE: N_("Birth certificate"),
    Proof.MARRIAGE_CERTIFICATE: N_("Marriage certificate"),
    Proof.KINSHIP_CERTIFICATE: N_("Certificate of kinship"),
    Proof.GUARDIANSHIP_ORDER: N_("Guardianship order"),
}
STATUSES = {
    "active": N_("Binding in force"),
    "expired": N_("Expired (the child turned 16)"),
    "ended": N_("Ended"),
}
DONE = {
    "recorded": N_("The family binding is recorded."),
    "ended": N_("The family binding is ended."),
}


def _form_context(request: Request, values: dict[str, str], errors: dict[str, str]) -> Any:
    _ = i18n.translator(request)
    return {
        "values": values,
        "errors": errors,
        "find_values": {},
        "find_errors": {},
        "relations": [("", "")] + [(r.value, _(label)) for r, label in RELATIONS.items()],
        "proofs": [("", "")] + [(p.value, _(label)) for p, label in PROOFS.items()],
    }


@router.get("")
async def family_page(request: Request, who: StaffSession = Depends(CLERK)) -> Response:
    return render(request, "counter/family.html", _form_context(request, {}, {}))


@router.post("")
async def record(request: Request, who: StaffSession = Depends(CLERK)) -> Response:
    """Record a binding (ECARD-4): both documents seen, the proof checked here."""
    values = form_values(await form(request), *FIELDS)
    try:
        new = forms.parse(BindingIn, values).to_new_binding()
        made = await run(request, who.actor, lambda ctx: family.record_binding(ctx, new))
    except DomainError as refusal:
        context = _form_context(request, values, forms.field_messages(request, refusal))
        return render(request, "counter/family.html", context, status=refusal.status)
    person_id = made["dependant"]["person_id"]
    return redirect(request, f"/counter/family/persons/{person_id}?done=recorded")


@router.post("/find")
async def find(request: Request, who: StaffSession = Depends(CLERK)) -> Response:
    """A person's bindings by the document they present (logged as a counter lookup)."""
    values = form_values(await form(request), "social_security_number")
    try:
        typed = forms.parse(LookupIn, values).social_security_number
        person = await run(request, who.actor, lambda ctx: counter.lookup_by_ssn(ctx, typed))
    except DomainError as refusal:
        context = _form_context(request, {}, {})
        if isinstance(refusal, NotFound):
            _ = i18n.translator(request)
            errors = {"social_security_number": _("No person is registered with this number.")}
        else:
            errors = forms.field_messages(request, refusal)
        context |= {"find_values": values, "find_errors": errors}
        return render(request, "counter/family.html", context, status=refusal.status)
    return redirect(request, f"/counter/family/persons/{person['person_id']}")


@router.get("/persons/{person_id}")
async def person_bindings(
    request: Request, person_id: PathId, done: str = "", who: StaffSession = Depends(CLERK)
) -> Response:
    """The bindings of a person whose document was presented at this outlet."""
    found = await run(request, who.actor, lambda ctx: family.bindings(ctx, person_id))
    _ = i18n.translator(request)
    context = {
        "person_id": person_id,
        "items": found["items"],
        "statuses": STATUSES,
        "english": i18n.language(request) == "en",
        "done": _(DONE[done]) if done in DONE else "",
    }
    return render(request, "counter/family_person.html", context)


@router.post("/persons/{person_id}/bindings/{binding_id}/end")
async def end(
    request: Request, person_id: PathId, binding_id: PathId, who: StaffSession = Depends(CLERK)
) -> Response:
    """End a binding at the outlet (ECARD-4), a person of it having presented their document."""
    await run(request, who.actor, lambda ctx: family.end_binding(ctx, binding_id))
    return redirect(request, f"/counter/family/persons/{person_id}?done=ended")
