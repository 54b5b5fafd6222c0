"""The HR outlet counter, person side (issue 12 item 2): find a person by document, see them,
register them, take their photo, make a first application, hand the card over, withdraw.

Every route calls the use cases the API's endpoints call (applications.counter.service,
applications.service, registry.credit.service, registry.reference.service); what stands in the
way of a procedure is the refusal of that procedure's own use case in a dry run (web.checks).
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.applications import lifecycle as proc
from sscard.applications import service as applications
from sscard.applications.counter import service as counter
from sscard.applications.schemas import ApplicationIn, CollectIn, WithdrawIn
from sscard.applications.service import FirstApplication, WithdrawalRequest
from sscard.kernel.actor import Role
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, InvalidInput, NotFound
from sscard.kernel.text import normalise_number
from sscard.platform.http.guard import UnsupportedMediaType
from sscard.platform.http.request import PathId
from sscard.platform.validation import InvalidFields
from sscard.registry.credit import service as credit
from sscard.registry.photo import PhotoRejected
from sscard.registry.reference import service as reference
from sscard.registry.schemas import LookupIn, PersonIn
from sscard.web import checks, forms, i18n
from sscard.web.i18n import N_
from sscard.web.pages import counter_labels as labels
from sscard.web.pages.names import PlaceNames, place_names
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import UNSAFE, NotYourDesk, form, form_values, of_role, run, unit

router = page_router()
_clerk = of_role(Role.OUTLET_CLERK)

REGISTER_FIELDS = (
    "name",
    "type",
    "number",
    "valid_from",
    "valid_until",
    "category",
    "nationality",
    "city_code",
    "birth_date",
    "gender",
    "phone",
    "full_civil_capacity",
)
DOCUMENT_FIELDS = ("type", "number", "valid_from", "valid_until")
REPRESENTATIVE_FIELDS = ("role", "relationship", "name", "type", "number", "valid_until", "proof")
APPLY_FIELDS = ("bank_code", *REPRESENTATIVE_FIELDS)
DONE = {
    "registered": N_("The person is registered."),
    "photo": N_("The photo meets the standard and is kept."),
    "applied": N_("The application is made."),
    "collected": N_("The card is handed over; its hr function is active."),
    "withdrawn": N_("The application is withdrawn."),
}


async def hr_clerk(request: Request) -> StaffSession:
    """A clerk of an HR outlet (a bank outlet's clerk has the bank counter).

    A form field holding a control or invisible character is refused by the shared form
    reader before the page runs; here that refusal is kept for the page to show next to its
    field with what was typed (the form, parsed already, is kept so that the form token is
    still checked by the shared check)."""
    try:
        who = await _clerk(request)
    except InvalidInput as unsafe:
        if request.method not in UNSAFE or getattr(request.state, "form", None) is not None:
            raise
        request.state.form = await request.form()
        request.state.unsafe_field = unsafe
        who = await _clerk(request)
    if who.actor.outlet_kind == "bank":
        raise NotYourDesk()
    return who


def _refuse_unsafe_field(request: Request) -> None:
    """Raise the refusal of a field with a control or invisible character (see hr_clerk)."""
    unsafe: InvalidInput | None = getattr(request.state, "unsafe_field", None)
    if unsafe is not None:
        raise unsafe


# ---- find ----


@router.get("/counter")
async def find_page(request: Request, who: StaffSession = Depends(hr_clerk)) -> Response:
    if who.actor.outlet_kind == "transport":  # a transport outlet offers the wallet, no HR desk
        return redirect(request, "/counter/transport")
    return render(request, "counter/find.html", {"values": {}, "errors": {}, "not_found": False})


@router.post("/counter/find")
async def find(request: Request, who: StaffSession = Depends(hr_clerk)) -> Response:
    """The lookup use case (full-width digits, spaces, a lower-case x are taken): a hit opens
    the person (and grants this outlet the document presented, logged); no hit offers
    registration with the number filled in."""
    values = form_values(await form(request), "social_security_number")
    try:
        _refuse_unsafe_field(request)
        typed = forms.parse(LookupIn, values).social_security_number
        person = await run(request, who.actor, lambda ctx: counter.lookup_by_ssn(ctx, typed))
    except NotFound:
        number = normalise_number(values["social_security_number"])
        context = await _register_context(request, who, {"type": "resident_id", "number": number})
        context |= {"values": values, "errors": {}, "not_found": True}
        return render(request, "counter/find.html", context)
    except DomainError as refusal:
        errors = forms.field_messages(request, refusal)
        context = {"values": values, "errors": errors, "not_found": False}
        return render(request, "counter/find.html", context, status=refusal.status)
    return redirect(request, f"/counter/persons/{person['person_id']}")


# ---- the person ----


@router.get("/counter/persons/{person_id}")
async def person_page(
    request: Request, person_id: PathId, done: str = "", who: StaffSession = Depends(hr_clerk)
) -> Response:
    async with unit(request, who.actor) as ctx:  # the reads and the dry runs: one transaction
        person = await counter.person_overview(ctx, person_id)
        record = await credit.credit_record(ctx, person_id)
        application = await _open_application(ctx, person)
        outlet = await reference.outlet(ctx, who.outlet_code or "")
        banks = await reference.city(ctx, outlet.city_code)
        cities = {c.code: c for c in await reference.cities(ctx)}
        names = await place_names(ctx, i18n.language(request))
        first_bank = banks["bank_codes"][0] if banks["bank_codes"] else ""
        found = await checks.preconditions_within(
            ctx, _person_procedures(person_id, person["open_application"], first_bank)
        )
    unmet = {
        "photo": _blocking(found["photo"], {"photo"}),
        "apply": _blocking(found["apply"], {"bank_code", "representative"}),
        "withdraw": found.get("withdraw"),
        "collect": _collect_unmet(application) if person["open_application"] else None,
    }
    _ = i18n.translator(request)
    context = {
        "person": person,
        "application": application,
        "credit_entries": record["entries"],
        "unmet": unmet,
        "needs_representative": _names(found["apply"], "representative"),
        "done": _(DONE[done]) if done in DONE else "",
        "city": cities.get(person["city_code"]),
        "names": names,
        "labels": labels,
    }
    return render(request, "counter/person.html", context)


def _person_procedures(
    person_id: int, reference_no: str | None, first_bank: str
) -> dict[str, checks.UseCase]:
    """The person page's procedures, dry-run with what a form would hold before it is filled."""
    procedures: dict[str, checks.UseCase] = {
        "photo": lambda ctx: counter.attach_photo(ctx, person_id, b""),
        "apply": lambda ctx: applications.first_application_preconditions(
            ctx, FirstApplication(person_id, first_bank)
        ),
    }
    if reference_no:
        procedures["withdraw"] = lambda ctx: applications.withdraw(
            ctx, reference_no, WithdrawalRequest(proc.WithdrawalReason.APPLICANT_REQUEST)
        )
    return procedures


async def _open_application(ctx: Ctx, person: dict[str, Any]) -> dict[str, Any] | None:
    """The open application with its progress and due date (APP-7); None when it is another
    outlet's (a clerk sees only their own outlet's applications)."""
    if not person["open_application"]:
        return None
    try:
        return await applications.view(ctx, person["open_application"])
    except NotFound:
        return None


def _root(field: str | None) -> str:
    return (field or "").split(".")[0]


def _names(refusal: DomainError | None, *roots: str) -> bool:
    return refusal is not None and _root(refusal.field) in roots


def _blocking(refusal: DomainError | None, supplied: set[str]) -> DomainError | None:
    """The refusal of a dry run, unless it names only what the procedure's form supplies (the
    photo file, the bank, the guardian): then nothing stands in the way yet."""
    if refusal is None:
        return None
    if isinstance(refusal, InvalidFields):
        if all(_root(e["field"]) in supplied for e in refusal.errors):
            return None
        return refusal
    return None if _root(refusal.field) in supplied else refusal


def _collect_unmet(application: dict[str, Any] | None) -> DomainError | None:
    """Collection is the lifecycle's COLLECT step (the use case refuses it by this very table,
    after the document shown, which the form supplies)."""
    if application is None:
        return None
    try:
        proc.next_status(
            proc.ApplicationStatus(application["status"]), proc.ApplicationEvent.COLLECT
        )
    except DomainError as refusal:
        return refusal
    return None


# ---- register ----


async def _register_context(
    request: Request, who: StaffSession, values: dict[str, str]
) -> dict[str, Any]:
    lang = i18n.language(request)
    async with unit(request, who.actor) as ctx:
        outlet = await reference.outlet(ctx, who.outlet_code or "")
        cities = await reference.cities(ctx)
    defaults = {
        "category": "mainland",
        "nationality": "CHN",
        "city_code": outlet.city_code,
        "full_civil_capacity": "true",
    }
    return {
        "register_values": {**defaults, **values},
        "register_errors": {},
        "documents": labels.document_choices(lang),
        "categories": labels.category_choices(lang),
        "cities": [(c.code, c.name_en if lang == "en" else c.name_zh) for c in cities],
        "labels": labels,
    }


@router.get("/counter/register")
async def register_page(request: Request, who: StaffSession = Depends(hr_clerk)) -> Response:
    context = await _register_context(request, who, {"type": "resident_id"})
    return render(request, "counter/register.html", context)


@router.post("/counter/register")
async def register(request: Request, who: StaffSession = Depends(hr_clerk)) -> Response:
    values = form_values(await form(request), *REGISTER_FIELDS)
    body: dict[str, Any] = {k: values[k] for k in REGISTER_FIELDS if k not in DOCUMENT_FIELDS}
    body["document"] = {k: values[k] for k in DOCUMENT_FIELDS}
    try:
        _refuse_unsafe_field(request)
        registration = forms.parse(PersonIn, _compact(body)).domain()
        person = await run(request, who.actor, lambda ctx: counter.register(ctx, registration))
    except DomainError as refusal:
        context = await _register_context(request, who, values)
        context["register_errors"] = forms.field_messages(request, refusal)
        return render(request, "counter/register.html", context, status=refusal.status)
    return redirect(request, f"/counter/persons/{person['person_id']}?done=registered")


def _compact(body: dict[str, Any]) -> dict[str, Any]:
    """A form's empty fields left out at every level (an HTML form cannot omit a field)."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if isinstance(value, dict):
            out[key] = _compact(value)
        elif value not in ("", None):
            out[key] = value
    return out


# ---- photo (APP-5) ----

# The photo form is a file upload: the route declares multipart/form-data, so the guard gives
# it the photo's body limit (SSCARD_MAX_PHOTO_BYTES) rather than a form's.
MULTIPART: dict[str, Any] = {"requestBody": {"content": {"multipart/form-data": {}}}}


@router.get("/counter/persons/{person_id}/photo")
async def photo_page(
    request: Request, person_id: PathId, done: str = "", who: StaffSession = Depends(hr_clerk)
) -> Response:
    """The upload form; after a photo was kept (`done=photo`), every check shown passed: a
    photo is stored only once the standard's checks all pass (registry.store_photo)."""
    person = await run(request, who.actor, lambda ctx: counter.person_overview(ctx, person_id))
    refusal = await checks.dry_run(
        request, who.actor, lambda ctx: counter.attach_photo(ctx, person_id, b"")
    )
    kept = done == "photo" and person["has_photo"]
    _ = i18n.translator(request)
    context: dict[str, Any] = {
        "person": person,
        "unmet": _blocking(refusal, {"photo"}),
        "results": labels.photo_results([], i18n.language(request), _) if kept else [],
        "passed": kept,
        "done": _(DONE[done]) if kept else "",
        "refusal": None,
    }
    return render(request, "counter/photo.html", context)


JPEG = "image/jpeg"


@router.post("/counter/persons/{person_id}/photo", openapi_extra=MULTIPART)
async def take_photo(
    request: Request, person_id: PathId, who: StaffSession = Depends(hr_clerk)
) -> Response:
    upload = (await form(request)).get("photo")
    data, sent_as = b"", JPEG
    if upload is not None and not isinstance(upload, str):
        try:
            data, sent_as = await upload.read(), upload.content_type or ""
        finally:
            await upload.close()
    try:
        _refuse_unsafe_field(request)
        if sent_as.split(";")[0].strip().lower() != JPEG:  # what the API takes (PUT, 415)
            raise UnsupportedMediaType(field="photo", given=sent_as[:60], accepted=JPEG)
        await run(request, who.actor, lambda ctx: counter.attach_photo(ctx, person_id, data))
    except DomainError as refusal:
        lang = i18n.language(request)
        defects = refusal.defects if isinstance(refusal, PhotoRejected) else []
        person = await run(request, who.actor, lambda ctx: counter.person_overview(ctx, person_id))
        context = {
            "person": person,
            "unmet": None,
            "results": labels.photo_results(defects, lang, i18n.translator(request)),
            "passed": False,
            "done": "",
            "refusal": None if defects else refusal,
        }
        return render(request, "counter/photo.html", context, status=refusal.status)
    return redirect(request, f"/counter/persons/{person_id}/photo?done=photo")


# ---- first application (APP-1, APP-2, APP-6, ID-4) ----


async def _apply_context(
    request: Request, who: StaffSession, person_id: PathId, values: dict[str, str]
) -> dict[str, Any]:
    lang, _ = i18n.language(request), i18n.translator(request)
    async with unit(request, who.actor) as ctx:
        person = await counter.person_overview(ctx, person_id)
        outlet = await reference.outlet(ctx, who.outlet_code or "")
        city = await reference.city(ctx, outlet.city_code)
        names = {
            b.code: (b.name_en if lang == "en" else b.name_zh) for b in await reference.banks(ctx)
        }
    banks = [(code, names.get(code, code)) for code in city["bank_codes"]]
    first = banks[0][0] if banks else ""
    refusal = await checks.dry_run(
        request,
        who.actor,
        lambda ctx: applications.first_application_preconditions(
            ctx, FirstApplication(person_id, first)
        ),
    )
    return {
        "person": person,
        "outlet": outlet,
        "banks": banks,
        "values": {"bank_code": first, **values},
        "errors": {},
        "unmet": _blocking(refusal, {"bank_code", "representative"}),
        "needs_representative": _names(refusal, "representative"),
        "documents": labels.document_choices(lang),
        "relationships": [("", _("Not given"))]
        + [(c, _(labels.RELATIONSHIPS[c])) for c in labels.relationship_choices()],
        "proofs": [("", _("None"))] + [(c, _(labels.PROOFS[c])) for c in labels.proof_choices()],
        "labels": labels,
    }


@router.get("/counter/persons/{person_id}/apply")
async def apply_page(
    request: Request, person_id: PathId, who: StaffSession = Depends(hr_clerk)
) -> Response:
    context = await _apply_context(request, who, person_id, {"type": "resident_id"})
    return render(request, "counter/apply.html", context)


def _application_body(person_id: PathId, values: dict[str, str]) -> dict[str, Any]:
    """The application form as the API's ApplicationIn body (the guardian only if chosen)."""
    body: dict[str, Any] = {"person_id": person_id, "bank_code": values["bank_code"]}
    if values["role"]:
        body["representative"] = {
            "role": values["role"],
            "relationship": values["relationship"],
            "name": values["name"],
            "proof": values["proof"],
            "document": {k: values[k] for k in ("type", "number", "valid_until")},
        }
    return _compact(body)


@router.post("/counter/persons/{person_id}/apply")
async def apply(
    request: Request, person_id: PathId, who: StaffSession = Depends(hr_clerk)
) -> Response:
    values = form_values(await form(request), *APPLY_FIELDS)
    try:
        _refuse_unsafe_field(request)
        application = forms.parse(ApplicationIn, _application_body(person_id, values)).domain()
        await run(
            request, who.actor, lambda ctx: applications.submit_first_application(ctx, application)
        )
    except DomainError as refusal:
        context = await _apply_context(request, who, person_id, values)
        context["errors"] = forms.field_messages(request, refusal)
        return render(request, "counter/apply.html", context, status=refusal.status)
    return redirect(request, f"/counter/persons/{person_id}?done=applied")


@router.post("/counter/persons/{person_id}/apply/check")
async def check_application(
    request: Request, person_id: PathId, who: StaffSession = Depends(hr_clerk)
) -> Response:
    """What stands in the way of the application as filled in so far (htmx, on each change):
    the submit use case's dry run with the form's values; nothing is kept."""
    values = form_values(await form(request), *APPLY_FIELDS)
    try:
        _refuse_unsafe_field(request)
        application = forms.parse(ApplicationIn, _application_body(person_id, values)).domain()
        refusal = await checks.dry_run(
            request,
            who.actor,
            lambda ctx: applications.first_application_preconditions(ctx, application),
        )
    except DomainError as invalid_input:
        refusal = invalid_input
    return render(request, "counter/_apply_check.html", {"refusal": refusal})


# ---- collection (ISS-3, ISS-4) and withdrawal ----


async def _procedure_context(
    request: Request, who: StaffSession, person_id: int
) -> tuple[dict[str, Any], dict[str, Any] | None, PlaceNames]:
    async with unit(request, who.actor) as ctx:
        person = await counter.person_overview(ctx, person_id)
        application = await _open_application(ctx, person)
        names = await place_names(ctx, i18n.language(request))
    return person, application, names


@router.get("/counter/persons/{person_id}/collect")
async def collect_page(
    request: Request, person_id: PathId, who: StaffSession = Depends(hr_clerk)
) -> Response:
    person, application, names = await _procedure_context(request, who, person_id)
    context = {
        "person": person,
        "application": application,
        "unmet": _collect_unmet(application),
        "values": {"type": "resident_id"},
        "errors": {},
        "documents": labels.document_choices(i18n.language(request)),
        "names": names,
        "labels": labels,
    }
    return render(request, "counter/collect.html", context)


@router.post("/counter/persons/{person_id}/collect")
async def collect(
    request: Request, person_id: PathId, who: StaffSession = Depends(hr_clerk)
) -> Response:
    values = form_values(await form(request), "type", "number")
    person, application, names = await _procedure_context(request, who, person_id)
    try:
        _refuse_unsafe_field(request)
        if application is None:
            raise NotFound(field="reference", what_zh="申领", what_en="Application")
        reference_no = application["reference"]
        shown = forms.parse(CollectIn, {"document": _compact(values)}).document.domain()
        await run(request, who.actor, lambda ctx: applications.collect(ctx, reference_no, shown))
    except DomainError as refusal:
        context = {
            "person": person,
            "application": application,
            "unmet": _collect_unmet(application),
            "values": values,
            "errors": forms.field_messages(request, refusal),
            "documents": labels.document_choices(i18n.language(request)),
            "names": names,
            "labels": labels,
        }
        return render(request, "counter/collect.html", context, status=refusal.status)
    return redirect(request, f"/counter/persons/{person_id}?done=collected")


async def _withdraw_unmet(
    request: Request, who: StaffSession, application: dict[str, Any] | None
) -> DomainError | None:
    if application is None:
        return None
    reference_no = application["reference"]
    default = WithdrawalRequest(proc.WithdrawalReason.APPLICANT_REQUEST)
    return await checks.dry_run(
        request, who.actor, lambda ctx: applications.withdraw(ctx, reference_no, default)
    )


@router.get("/counter/persons/{person_id}/withdraw")
async def withdraw_page(
    request: Request, person_id: PathId, who: StaffSession = Depends(hr_clerk)
) -> Response:
    person, application, names = await _procedure_context(request, who, person_id)
    unmet = await _withdraw_unmet(request, who, application)
    context = _withdraw_context(request, person, application, names, unmet, {}, {})
    return render(request, "counter/withdraw.html", context)


def _withdraw_context(
    request: Request,
    person: dict[str, Any],
    application: dict[str, Any] | None,
    names: PlaceNames,
    unmet: DomainError | None,
    values: dict[str, str],
    errors: dict[str, str],
) -> dict[str, Any]:
    _ = i18n.translator(request)
    return {
        "person": person,
        "application": application,
        "names": names,
        "unmet": unmet,
        "values": values,
        "errors": errors,
        "reasons": [
            (r.value, _(labels.WITHDRAWAL_REASONS[r.value])) for r in proc.WithdrawalReason
        ],
        "labels": labels,
    }


@router.post("/counter/persons/{person_id}/withdraw")
async def withdraw(
    request: Request, person_id: PathId, who: StaffSession = Depends(hr_clerk)
) -> Response:
    values = form_values(await form(request), "reason", "note")
    person, application, names = await _procedure_context(request, who, person_id)
    try:
        _refuse_unsafe_field(request)
        if application is None:
            raise NotFound(field="reference", what_zh="申领", what_en="Application")
        reference_no = application["reference"]
        request_ = forms.parse(WithdrawIn, values).domain()
        await run(
            request, who.actor, lambda ctx: applications.withdraw(ctx, reference_no, request_)
        )
    except DomainError as refusal:
        errors = forms.field_messages(request, refusal)
        context = _withdraw_context(request, person, application, names, None, values, errors)
        return render(request, "counter/withdraw.html", context, status=refusal.status)
    return redirect(request, f"/counter/persons/{person_id}?done=withdrawn")
