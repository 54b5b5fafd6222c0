"""Which desks a staff member's role opens (SPEC CH-1: the same roles the API knows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sscard.kernel.actor import Role
from sscard.web.i18n import N_

if TYPE_CHECKING:
    from sscard.actors.staff.service import StaffSession


@dataclass(frozen=True)
class Desk:
    path: str
    label: str  # an English message id, translated in the template
    roles: frozenset[Role]


R = Role
DESKS = (
    Desk("/counter", N_("HR outlet counter"), frozenset({R.OUTLET_CLERK})),
    Desk("/hotline", N_("12333 hotline desk"), frozenset({R.HOTLINE_AGENT})),
    Desk("/bank", N_("Bank outlet counter"), frozenset({R.OUTLET_CLERK})),
    Desk("/centre", N_("Card centre"), frozenset({R.CENTRE_ADMIN, R.PROVINCE_ADMIN})),
    Desk("/dashboard", N_("Dashboard"), frozenset({R.CENTRE_ADMIN, R.PROVINCE_ADMIN})),
    Desk("/audit", N_("Audit"), frozenset({R.AUDITOR})),
    Desk("/unit", N_("Unit portal"), frozenset({R.UNIT_AGENT})),
)
# A transport outlet's clerk has the counter's pages of the transport wallet (TRN-1, TRN-2,
# TRN-4): the same path, which leads there, under its own name.
TRANSPORT_COUNTER = Desk(
    "/counter", N_("Transport card outlet counter"), frozenset({R.OUTLET_CLERK})
)


def for_staff(staff: StaffSession | None) -> tuple[Desk, ...]:
    """The desks open to a signed-in staff member; a clerk sees the counter of their outlet's
    kind (an HR outlet's, a bank's or a transport outlet's)."""
    if staff is None or staff.stage != "signed_in":
        return ()
    return desks_of(staff)


def desks_of(staff: StaffSession) -> tuple[Desk, ...]:
    """The desks a staff member's role and outlet open (also what pages let them use)."""
    role = staff.actor.role
    desks = [d for d in DESKS if role in d.roles]
    if role is R.OUTLET_CLERK and staff.actor.outlet_kind == "transport":
        return (TRANSPORT_COUNTER,)
    if role is R.OUTLET_CLERK:
        wanted = "/bank" if staff.actor.outlet_kind == "bank" else "/counter"
        desks = [d for d in desks if d.path == wanted]
    return tuple(desks)


def home(staff: StaffSession) -> str:
    """Where a staff member lands once signed in."""
    desks = desks_of(staff)
    return desks[0].path if desks else "/account"
