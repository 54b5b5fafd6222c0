"""Every page route's path parameters are bounded as the API's are (issue 11's kind, found again
in the console by an attacker: /counter/persons/99999999999999999999 was a 500)."""

from __future__ import annotations

from annotated_types import Ge, Le

from sscard.kernel.db import MAX_ID
from sscard.web.mount import ROUTERS
from sscard.web.route import WebRoute


def page_routes() -> list[WebRoute]:
    """Every page route, routers included in routers too (FastAPI keeps those wrapped)."""
    found: list[WebRoute] = []
    pending = [r for router in ROUTERS for r in router.routes]
    while pending:
        route = pending.pop()
        if isinstance(route, WebRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            pending.extend(route.original_router.routes)
    return found


def test_an_id_in_a_page_path_is_between_one_and_the_largest_id() -> None:
    unbounded = []
    for route in page_routes():
        for param in route.dependant.path_params:
            if param.field_info.annotation is not int:
                continue
            bounds = param.field_info.metadata
            if not any(isinstance(b, Le) and b.le == MAX_ID for b in bounds) or not any(
                isinstance(b, Ge) and b.ge == 1 for b in bounds
            ):
                unbounded.append(f"{route.path} {param.name}")
    assert unbounded == []


def test_the_pages_have_int_path_parameters_to_check() -> None:
    names = {p.name for r in page_routes() for p in r.dependant.path_params}
    assert {"person_id", "account_id", "run_id"} <= names
