"""Which desks a role opens; pages use the same rule (session.at_desk). A bank outlet's clerk
reached the HR counter's card pages (issue 12, found by an attacker)."""

from __future__ import annotations

import pytest

from sscard.actors.staff.service import StaffSession
from sscard.kernel.actor import Actor, Role
from sscard.web import navigation


def staff(role: Role, outlet_kind: str | None = None) -> StaffSession:
    actor = Actor(id=1, role=role, display_name="x", outlet_kind=outlet_kind, city_code="3204")
    return StaffSession(1, 1, "x", actor, "signed_in", True, False, None)


@pytest.mark.parametrize(
    ("who", "desks"),
    [
        (staff(Role.OUTLET_CLERK, "hr"), ["/counter"]),
        (staff(Role.OUTLET_CLERK, "bank"), ["/bank"]),
        (staff(Role.HOTLINE_AGENT), ["/hotline"]),
        (staff(Role.CENTRE_ADMIN), ["/centre", "/dashboard"]),
        (staff(Role.PROVINCE_ADMIN), ["/centre", "/dashboard"]),
        (staff(Role.AUDITOR), ["/audit"]),
    ],
)
def test_each_role_opens_its_own_desks_only(who: StaffSession, desks: list[str]) -> None:
    assert [d.path for d in navigation.desks_of(who)] == desks
    assert navigation.home(who) == desks[0]


def test_the_counter_card_pages_ask_for_the_hr_counter_desk() -> None:
    from sscard.web.pages import counter_cards
    from tests.unit.web.test_routes import page_routes

    pages = page_routes()
    routes = [r for r in pages if r.path.startswith("/counter/cards") and ".pdf" not in r.path]
    assert routes
    for route in routes:
        calls = [d.call for d in route.dependant.dependencies]
        assert counter_cards.CLERK in calls, route.path
