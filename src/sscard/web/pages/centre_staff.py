"""Staff accounts at the card centre: list, create, reset (issue 12).

The actors' own use cases (`actors.staff.service`): a city's administrator lists and creates
staff of its own city only; a created or reset account's one-time password is shown once, on
the answer to the form that made it, and never again.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response

from sscard.actors.staff import service as staff
from sscard.actors.staff.service import StaffSession
from sscard.kernel.actor import Role
from sscard.kernel.errors import DomainError, NotFound, invalid
from sscard.platform.http.request import PathId
from sscard.registry.reference import service as reference
from sscard.web import checks, i18n
from sscard.web.pages.centre_common import ADMIN, errors_of, page_context, role_label
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import page_router
from sscard.web.session import form, form_values, run, unit

router = page_router("/centre")
FIELDS = ("username", "display_name", "role", "outlet_code", "city_code")


def _new_staff(values: dict[str, str]) -> staff.NewStaff:
    """The form as the use case takes it; an unknown role is refused on its field."""
    try:
        role = Role(values["role"])
    except ValueError:
        raise invalid("role", "请选择角色", "choose a role") from None
    return staff.NewStaff(
        values["username"],
        values["display_name"],
        role,
        outlet_code=values["outlet_code"] or None,
        city_code=values["city_code"] or None,
    )


async def _page(
    request: Request,
    who: StaffSession,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    issued: dict[str, Any] | None = None,
    deactivated: str = "",
    status: int = 200,
) -> Response:
    async with unit(request, who.actor) as ctx:
        accounts = await staff.list_staff(ctx)
        cities = await reference.cities(ctx)
        names = await place_names(ctx, i18n.language(request))
    defaults = {"role": Role.OUTLET_CLERK.value}
    context = page_context(
        request,
        accounts=accounts,
        cities=cities,
        names=names,
        roles=[(r.value, role_label(request, r)) for r in staff.STAFF_ROLES],
        role_label=lambda r: role_label(request, r),
        values=values or defaults,
        errors=errors or {},
        issued=issued,
        deactivated=deactivated,
    )
    return render(request, "centre/staff.html", context, status=status)


@router.get("/staff")
async def staff_accounts(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    return await _page(request, who)


@router.post("/staff")
async def create_account(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    values = form_values(await form(request), *FIELDS)
    try:
        new = _new_staff(values)
        _, password = await run(request, who.actor, lambda ctx: staff.create_staff(ctx, new))
    except DomainError as refusal:
        return await _page(
            request, who, values=values, errors=errors_of(request, refusal), status=refusal.status
        )
    issued = {"username": new.username.strip().lower(), "password": password, "created": True}
    return await _page(request, who, issued=issued, status=201)


@router.get("/staff/{account_id}")
async def account_page(
    account_id: PathId, request: Request, who: StaffSession = Depends(ADMIN)
) -> Response:
    """One account: reset or deactivate it, each with what stands in its way (a dry run)."""
    account = await _account(request, who, account_id)
    reset_refusal = await checks.dry_run(
        request, who.actor, lambda ctx: staff.reset_staff(ctx, account_id)
    )
    deactivate_refusal = await checks.dry_run(
        request, who.actor, lambda ctx: staff.deactivate_staff(ctx, account_id)
    )
    context = page_context(
        request,
        account=account,
        reset_refusal=reset_refusal,
        deactivate_refusal=deactivate_refusal,
        role_label=lambda r: role_label(request, r),
    )
    return render(request, "centre/staff_account.html", context)


@router.post("/staff/{account_id}/deactivate")
async def deactivate_account(
    account_id: PathId, request: Request, who: StaffSession = Depends(ADMIN)
) -> Response:
    account = await _account(request, who, account_id)
    await run(request, who.actor, lambda ctx: staff.deactivate_staff(ctx, account_id))
    return await _page(request, who, deactivated=account["username"])


@router.post("/staff/{account_id}/reset")
async def reset_account(
    account_id: PathId, request: Request, who: StaffSession = Depends(ADMIN)
) -> Response:
    account = await _account(request, who, account_id)
    password = await run(request, who.actor, lambda ctx: staff.reset_staff(ctx, account_id))
    issued = {"username": account["username"], "password": password, "created": False}
    return await _page(request, who, issued=issued)


async def _account(request: Request, who: StaffSession, account_id: int) -> dict[str, Any]:
    """An account of the administrator's list (their city's), else NotFound as the reset says."""
    for account in await run(request, who.actor, staff.list_staff):
        if account["id"] == account_id:
            return account
    raise NotFound(field="account_id", what_zh="工作人员账号", what_en="Staff account")
