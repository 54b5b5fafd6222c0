"""Reference data at the card centre: outlets, each city's banks, city policies with their
effective dates, and the holiday calendar (issue 12 item 6; SPEC GOV-1, CITY-2, CITY-3, §17).

Every change is the reference or calendar use case the API's routes call, through the API's
own request schemas; whether the administrator may change a city's data is asked of a dry run
of that change (a city's centre changes its own city only, issue 11).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from sscard.actors.staff.service import StaffSession
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, invalid
from sscard.kernel.text import ascii_int
from sscard.platform.validation import InvalidFields
from sscard.registry.calendar import service as calendar
from sscard.registry.calendar.schemas import CalendarYearIn
from sscard.registry.reference import service as reference
from sscard.registry.reference.rules import OUTLET_OPERATIONS
from sscard.registry.reference.schemas import CityBanksIn, OutletPatch, PolicyIn
from sscard.web import checks, forms, i18n
from sscard.web.i18n import N_
from sscard.web.pages import centre_policy as policy_form
from sscard.web.pages.centre_common import ADMIN, errors_of, page_context
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import form, form_values, read, run, takes_lists, unit

router = page_router("/centre")
takes_lists("bank_codes", "operations")
CALENDAR_FILE_BYTES = 256 * 1024
# What each rule of a city policy is (SPEC CITY-3), for its label; the values are the domain's.
RULE_LABELS = {
    "fees_fen": N_("Fees in fen, by kind of application (APP-8)"),
    "photo_background": N_("Photo background (APP-5)"),
    "agent_policy": N_("Who may act as an agent"),
    "minor_agent": N_("Who acts for a minor"),
    "bank_change_allowed": N_("Bank change allowed"),
    "damage_exchange_at": N_("Where a damaged card is exchanged"),
    "formal_unlock_scope": N_("Where a formal loss is lifted (LOSS-3)"),
    "abroad_cancellation_by": N_("Who cancels for a holder settled abroad"),
    "upgrade_requires_old_card": N_("Upgrade requires the old card"),
    "fast_making_working_days": N_("Fast making: working days (APP-2)"),
    "unit_batch_days": N_("Unit batch: days"),
    "online_working_days": N_("Online application: working days"),
    "transport_balance_cap_fen": N_("Transport balance cap in fen"),
    "password_max_attempts": N_("Wrong hr-password tries before it locks (PWD-3)"),
}
OUTLET_FIELDS = ("name_zh", "name_en", "making", "address_zh", "phone", "hours_zh")


# ---- a city's reference data ----


@router.get("/reference")
async def city_reference(
    request: Request,
    city: str = Query("", pattern=r"^(32[0-9]{2})?$"),
    done: str = Query("", max_length=16),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    return await _city_page(request, who, city or who.actor.city_code or "3201", done=done)


async def _city_page(
    request: Request,
    who: StaffSession,
    city: str,
    *,
    policy_values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    bank_errors: dict[str, str] | None = None,
    done: str = "",
    status: int = 200,
) -> Response:
    async with unit(request, who.actor) as ctx:
        cities = await reference.cities(ctx)
        detail = await reference.city(ctx, city)
        policies = await reference.policies_of(ctx, city)
        outlets = await reference.outlets(ctx, city)
        banks = await reference.banks(ctx)
        names = await place_names(ctx, i18n.language(request))
    in_force = detail["policy_in_force"]
    banks_now = list(detail["bank_codes"])
    may_edit = await checks.dry_run(
        request, who.actor, lambda ctx: reference.set_city_banks(ctx, city, banks_now, "admin")
    )
    if policy_values is None:
        tomorrow = await run(request, who.actor, _tomorrow)
        policy_values = {"effective_from": tomorrow, "note": ""}
        policy_values |= policy_form.values_of(in_force)
    context = page_context(
        request,
        cities=cities,
        city=city,
        detail=detail,
        policies=policies,
        outlets=outlets,
        banks=banks,
        names=names,
        rule_labels=RULE_LABELS,
        rule_shapes=policy_form.SHAPES,
        value_labels=policy_form.VALUE_LABELS,
        policy_choices=policy_form.choices(i18n.translator(request)),
        in_force=in_force,
        may_edit=may_edit,
        values=policy_values,
        errors=errors or {},
        bank_errors=bank_errors or {},
        done=done,
    )
    return render(request, "centre/reference.html", context, status=status)


async def _tomorrow(ctx: Ctx) -> str:
    return (ctx.today + timedelta(days=1)).isoformat()


@router.post("/reference/{city}/banks")
async def set_banks(city: str, request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    data = await form(request)
    chosen = [str(b) for b in data.getlist("bank_codes")]
    try:
        body = forms.parse(CityBanksIn, {"bank_codes": chosen, "source": "admin"})
        await run(
            request,
            who.actor,
            lambda ctx: reference.set_city_banks(ctx, city, body.bank_codes, body.source),
        )
    except DomainError as refusal:
        bank_errors = errors_of(request, refusal)
        return await _city_page(request, who, city, bank_errors=bank_errors, status=refusal.status)
    return redirect(request, f"/centre/reference?city={city}&done=banks")


@router.post("/reference/{city}/policies")
async def add_policy(city: str, request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    """A new policy from a date (CITY-3): every rule as the form holds it, checked by the
    domain; earlier policies stay for the days they governed."""
    data = await form(request)
    values = form_values(data, "effective_from", "note")
    typed, rules = policy_form.read(data)
    values |= typed
    try:
        body = forms.parse(
            PolicyIn,
            {
                "effective_from": values["effective_from"],
                "rules": rules,
                "note": values["note"],
                "source": "admin",
            },
        )
        await run(
            request,
            who.actor,
            lambda ctx: reference.add_policy(
                ctx, city, body.effective_from, dict(body.rules), body.source, body.note
            ),
        )
    except DomainError as refusal:
        return await _city_page(
            request,
            who,
            city,
            policy_values=values,
            errors=errors_of(request, refusal),
            status=refusal.status,
        )
    return redirect(request, f"/centre/reference?city={city}&done=policy")


# ---- an outlet ----


@router.get("/reference/outlets/{code}")
async def outlet_page(code: str, request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    found = await run(request, who.actor, lambda ctx: reference.outlet(ctx, code))
    values: dict[str, Any] = {name: getattr(found, name) or "" for name in OUTLET_FIELDS}
    values["active"] = "true" if found.active else "false"
    values["operations"] = list(found.operations)
    return await _outlet_form(request, who, found, values, {})


async def _outlet_form(
    request: Request,
    who: StaffSession,
    outlet: Any,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    may_edit = await checks.dry_run(
        request, who.actor, lambda ctx: reference.update_outlet(ctx, outlet.code, {})
    )
    names = await read(request, who.actor, lambda ctx: place_names(ctx, i18n.language(request)))
    context = page_context(
        request,
        outlet=outlet,
        names=names,
        values=values,
        errors=errors,
        may_edit=may_edit,
        operations=sorted(OUTLET_OPERATIONS),
    )
    return render(request, "centre/outlet.html", context, status=status)


@router.post("/reference/outlets/{code}")
async def edit_outlet(code: str, request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    """The outlet's fields as OutletPatch takes them (GOV-1); a field left empty is kept."""
    found = await run(request, who.actor, lambda ctx: reference.outlet(ctx, code))
    data = await form(request)
    values: dict[str, Any] = form_values(data, *OUTLET_FIELDS, "active")
    values["operations"] = [str(o) for o in data.getlist("operations")]
    try:
        changes = forms.parse(OutletPatch, values).model_dump(exclude_unset=True)
        await run(request, who.actor, lambda ctx: reference.update_outlet(ctx, code, changes))
    except DomainError as refusal:
        return await _outlet_form(
            request, who, found, values, errors_of(request, refusal), refusal.status
        )
    return redirect(request, f"/centre/reference?city={found.city_code}&done=outlet")


# ---- the holiday calendar (§17) ----


@router.get("/calendar")
async def calendar_page(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    return await _calendar(request, who, {}, {}, None)


async def _calendar(
    request: Request,
    who: StaffSession,
    values: dict[str, str],
    errors: dict[str, str],
    loaded: dict[str, Any] | None,
    status: int = 200,
) -> Response:
    years = await run(request, who.actor, calendar.known_years)
    may_load = await checks.dry_run(
        request, who.actor, lambda ctx: calendar.load_calendar_year(ctx, 0, [], [], "-")
    )
    context = page_context(
        request,
        years=years,
        values=values,
        errors=errors,
        loaded=loaded,
        may_load=may_load if _is_permission(may_load) else None,
    )
    return render(request, "centre/calendar.html", context, status=status)


def _is_permission(refusal: DomainError | None) -> bool:
    """Whether a dry run was refused for who acts (not for the empty year it was given)."""
    return refusal is not None and refusal.status == 403


@router.post("/calendar")
async def load_year(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    """Load a year's holidays and adjusted working days from a JSON file shaped as the API's
    body (docs/samples/holidays-2027.json); waiting applications get their due dates."""
    data = await form(request)
    values = form_values(data, "year")
    upload = data.get("file")
    try:
        year = _year(values["year"])
        body = forms.parse(CalendarYearIn, await _calendar_file(request, upload))
        holidays, workdays = body.special_days()
        loaded = await run(
            request,
            who.actor,
            lambda ctx: calendar.load_calendar_year(ctx, year, holidays, workdays, body.source),
        )
    except DomainError as refusal:
        errors = errors_of(request, refusal)
        if (refusal.field or "") not in ("year", ""):  # a field of the file: shown by the file
            errors = {"file": _whole(request, refusal)}
        return await _calendar(request, who, values, errors, None, refusal.status)
    finally:
        await data.close()
    return await _calendar(request, who, {}, {}, loaded)


def _whole(request: Request, refusal: DomainError) -> str:
    """A refusal of the file's content with the path of each field it names."""
    english = i18n.language(request) == "en"
    if isinstance(refusal, InvalidFields):
        return "; ".join(
            f"{e['field']}: {e['reason_en'] if english else e['reason_zh']}" for e in refusal.errors
        )
    return refusal.detail_en if english else refusal.detail_zh


def _year(text: str) -> int:
    year = ascii_int(text, 4)
    if year is None:
        raise invalid("year", "须为四位年份", "must be a year of four digits")
    return year


async def _calendar_file(request: Request, upload: object) -> dict[str, Any]:
    """The uploaded file's JSON object; refused on `file` when there is none or it is not."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise invalid("file", "请选择日历文件", "choose a calendar file")
    raw = await upload.read(CALENDAR_FILE_BYTES + 1)
    if len(raw) > CALENDAR_FILE_BYTES:
        raise invalid("file", "文件过大", "the file is too large")
    try:
        parsed = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise invalid("file", "须为UTF-8编码的JSON文件", "must be a JSON file in UTF-8") from None
    if not isinstance(parsed, dict):
        raise invalid("file", "须为JSON对象", "must be a JSON object")
    return parsed
