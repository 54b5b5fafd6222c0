"""Units at the HR outlet counter (issue 13 item 5; SPEC APP-3): register a unit that brought
its credit code certificate or a letter of authorisation, name its agents (each gets a console
account whose one-time password is shown once, on the answer to the form that made it) and end
them. The use cases are the API's (units.service)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.actors.staff.service import StaffSession
from sscard.kernel.errors import DomainError, invalid
from sscard.platform.http.request import PathId
from sscard.registry.documents import DocumentType
from sscard.registry.schemas import DocumentIn
from sscard.units import service as units
from sscard.units.rules import UnitBasis, UnitKind
from sscard.web import forms, i18n
from sscard.web.i18n import N_
from sscard.web.pages.counter import hr_clerk
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import form, form_values, read, run

router = page_router("/counter/units")
UNIT_FIELDS = ("credit_code", "name", "kind", "basis", "letter_reference")
AGENT_FIELDS = ("name", "type", "number", "valid_until", "phone", "username")
KIND = {
    "government": N_("Government body"),
    "enterprise": N_("Enterprise"),
    "institution": N_("Public institution"),
    "school": N_("School"),
}
BASIS = {
    "credit_code_certificate": N_("Unified social credit code certificate"),
    "authorisation_letter": N_("Letter of authorisation"),
}


async def _list_page(
    request: Request,
    who: StaffSession,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    items, _ = await read(request, who.actor, lambda ctx: units.list_units(ctx, 0, 200))
    _t = i18n.translator(request)
    context = {
        "units": items,
        "kinds": [(k.value, _t(KIND[k.value])) for k in UnitKind],
        "bases": [(b.value, _t(BASIS[b.value])) for b in UnitBasis],
        "kind_label": KIND,
        "values": values or {"kind": "enterprise", "basis": "credit_code_certificate"},
        "errors": errors or {},
    }
    return render(request, "counter/units.html", context, status=status)


@router.get("")
async def units_page(request: Request, who: StaffSession = Depends(hr_clerk)) -> Response:
    return await _list_page(request, who)


@router.post("")
async def register(request: Request, who: StaffSession = Depends(hr_clerk)) -> Response:
    values = form_values(await form(request), *UNIT_FIELDS)
    try:
        try:
            kind, basis = UnitKind(values["kind"]), UnitBasis(values["basis"])
        except ValueError:
            raise invalid(
                "kind", "请选择单位类型和登记依据", "choose the kind and the basis"
            ) from None
        reg = units.UnitRegistration(
            values["credit_code"], values["name"], kind, basis, values["letter_reference"] or None
        )
        unit = await run(request, who.actor, lambda ctx: units.register_unit(ctx, reg))
    except DomainError as refusal:
        errors = forms.field_messages(request, refusal)
        return await _list_page(request, who, values=values, errors=errors, status=refusal.status)
    return redirect(request, f"/counter/units/{unit['credit_code']}")


async def _unit_page(
    request: Request,
    who: StaffSession,
    code: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    named: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    unit = await read(request, who.actor, lambda ctx: units.view_unit(ctx, code))
    lang = i18n.language(request)
    context = {
        "unit": unit,
        "kind_label": KIND,
        "basis_label": BASIS,
        "doc_types": [(t.value, t.label_en if lang == "en" else t.label_zh) for t in DocumentType],
        "values": values or {"type": "resident_id"},
        "errors": errors or {},
        "named": named,
    }
    return render(request, "counter/units_unit.html", context, status=status)


@router.get("/{code}")
async def unit_page(code: str, request: Request, who: StaffSession = Depends(hr_clerk)) -> Response:
    return await _unit_page(request, who, code)


@router.post("/{code}/agents")
async def name_agent(
    code: str, request: Request, who: StaffSession = Depends(hr_clerk)
) -> Response:
    values = form_values(await form(request), *AGENT_FIELDS)
    try:
        document = forms.parse(
            DocumentIn,
            {k: values[k] for k in ("type", "number", "valid_until")},
        ).domain()
        naming = units.AgentNaming(values["name"], document, values["phone"], values["username"])
        named = await run(request, who.actor, lambda ctx: units.name_agent(ctx, code, naming))
    except DomainError as refusal:
        errors = forms.field_messages(request, refusal)
        return await _unit_page(
            request, who, code, values=values, errors=errors, status=refusal.status
        )
    return await _unit_page(request, who, code, named=named, status=201)


@router.post("/{code}/agents/{agent_id}/end")
async def end_agent(
    code: str, agent_id: PathId, request: Request, who: StaffSession = Depends(hr_clerk)
) -> Response:
    await run(request, who.actor, lambda ctx: units.end_agent(ctx, code, agent_id))
    return redirect(request, f"/counter/units/{code}")
