"""The whole (role, operation) matrix through the API (SPEC CH-1; issue 3 item 8).

The allowed set is data (`actors.roles.PERMISSIONS`). For every operation there is one request
below; every role outside the allowed set must get `forbidden` (403, rule CH-1) and nothing
changes; every role inside it must get past the role check (any other answer: a missing card, an
outlet that does not offer the operation, bad data, success).
"""

from __future__ import annotations

from typing import Any

import pytest

from sscard.kernel.actor import PERMISSIONS, Operation, Role
from sscard.registry.photo import make_standard_photo
from tests.support.api import ADULT_BIRTH, Api
from tests.support.numbers import citizen_number

NO_CARD = "Z99999999"
NO_APP = "SQ32042026112399999999"
DOC = {"type": "resident_id", "number": "110101199003070011"}
CARD = f"/api/v1/cards/{NO_CARD}"

# operation -> (method, path, JSON body); {person} is a real person's id.
REQUESTS: dict[Operation, tuple[str, str, Any]] = {
    Operation.REGISTER_PERSON: ("POST", "/api/v1/persons", "new_person"),
    Operation.ATTACH_PHOTO: ("PUT", "/api/v1/persons/{person}/photo", "photo"),
    Operation.LOOKUP_PERSON: ("GET", "/api/v1/persons/{person}", None),
    Operation.SUBMIT_APPLICATION: (
        "POST",
        "/api/v1/applications",
        {"person_id": 999999, "bank_code": "ICBC"},
    ),
    Operation.VIEW_APPLICATION: ("GET", f"/api/v1/applications/{NO_APP}", None),
    Operation.LIST_APPLICATIONS: ("GET", "/api/v1/applications", None),
    Operation.START_PRODUCTION: ("POST", f"/api/v1/applications/{NO_APP}/start-production", None),
    Operation.FINISH_PRODUCTION: ("POST", f"/api/v1/applications/{NO_APP}/finish-production", None),
    Operation.DELIVER_TO_OUTLET: ("POST", f"/api/v1/applications/{NO_APP}/deliver-to-outlet", None),
    Operation.COLLECT_CARD: ("POST", f"/api/v1/applications/{NO_APP}/collect", {"document": DOC}),
    Operation.VIEW_HISTORY: ("GET", f"{CARD}/history", None),
    Operation.EDIT_REFERENCE_DATA: ("PATCH", "/api/v1/outlets/3204-HR-005", {"phone": "0519-1"}),
    Operation.LOAD_CALENDAR_YEAR: (
        "PUT",
        "/api/v1/calendar/years/2031",
        {"holidays": [], "source": "matrix"},
    ),
    Operation.CREATE_ACTOR: (
        "POST",
        "/api/v1/actors",
        {"role": "hotline_agent", "display_name": "matrix"},
    ),
    Operation.MOVE_CLOCK: ("POST", "/api/v1/clock/advance", {"days": 0}),
    Operation.VIEW_CARD: ("GET", CARD, None),
    Operation.REPORT_TEMPORARY_LOSS: ("POST", f"{CARD}/temporary-loss", None),
    Operation.REPORT_FORMAL_LOSS: ("POST", f"{CARD}/formal-loss", None),
    Operation.UNLOCK_CARD: ("POST", f"{CARD}/unlock", None),
    Operation.CHECK_CARD_USE: ("GET", f"{CARD}/may-use?use=medical", None),
    Operation.SWEEP_LOSSES: ("POST", "/api/v1/cards/sweep-temporary-losses", None),
    Operation.REPORT_FINANCIAL_STATUS: ("POST", f"{CARD}/financial-status", {"event": "closed"}),
    Operation.APPLY_REPLACEMENT: ("POST", f"{CARD}/replacement", {}),
    Operation.APPLY_EXCHANGE: (
        "POST",
        f"{CARD}/exchange",
        {"reason": "damage", "old_card_returned": True},
    ),
    Operation.APPLY_UPGRADE: (
        "POST",
        "/api/v1/applications/upgrade",
        {
            "person_id": 999999,
            "bank_code": "ICBC",
            "old_card": {"generation": 2, "number": "6222021234567890"},
        },
    ),
    Operation.ISSUE_TEMPORARY_MEDICAL_CARD: (
        "POST",
        "/api/v1/persons/{person}/temporary-medical-cards",
        None,
    ),
    Operation.CORRECT_BASE_DATA: (
        "POST",
        "/api/v1/persons/{person}/base-data-corrections",
        {"certificate_number": "x", "name": "改名"},
    ),
    Operation.LIST_EXPIRING_CARDS: ("GET", "/api/v1/cards/expiring", None),
    Operation.RECORD_CREDIT_ENTRY: (
        "POST",
        "/api/v1/persons/{person}/credit-record",
        {"kind": "malicious_repeat_exchange"},
    ),
    Operation.VIEW_CREDIT_RECORD: ("GET", "/api/v1/persons/{person}/credit-record", None),
    Operation.VIEW_NOTIFICATIONS: ("GET", "/api/v1/notifications", None),
    Operation.DELIVER_NOTIFICATIONS: ("POST", "/api/v1/notifications/deliver", None),
    Operation.SET_HR_PASSWORD: ("PUT", f"{CARD}/hr-password", {"new_password": "739251"}),
    Operation.RESET_HR_PASSWORD: (
        "POST",
        f"{CARD}/hr-password/reset",
        {"new_password": "739251", "document": DOC},
    ),
    Operation.VERIFY_HR_PASSWORD: ("POST", f"{CARD}/hr-password/verify", {"password": "739251"}),
    Operation.CANCEL_CARD: ("POST", f"{CARD}/cancel", {"reason": "death"}),
    Operation.VIEW_CLOSURE_NOTICE: ("GET", "/api/v1/cancellations/ZX00000000", None),
    Operation.CHANGE_CARD_CITY: (
        "POST",
        f"{CARD}/management-city",
        {"to_city_code": "3205", "transfer_certificate_number": "ZY-000001", "document": DOC},
    ),
    Operation.RESET_SOCIAL_DATA: ("POST", f"{CARD}/social-data-reset", None),
    Operation.VIEW_OUTBOX: ("GET", "/api/v1/outbox", None),
    Operation.REPLAY_OUTBOX: ("POST", "/api/v1/outbox/replay", {"status": "failed"}),
    Operation.CONFIGURE_ENDPOINT: (
        "PUT",
        "/api/v1/delivery-endpoints/ICBC",
        {"transport": "http", "url": "http://127.0.0.1:9/webhook"},
    ),
    Operation.SUBMIT_BANK_REPORT: (
        "POST",
        "/api/v1/bank-reports",
        {
            "message_id": "matrix-1",
            "card_number": NO_CARD,
            "sequence": 1,
            "type": "financial_activated",
            "occurred_at": "2026-11-23T10:00:00+08:00",
        },
    ),
    Operation.VIEW_BANK_INBOX: ("GET", "/api/v1/bank-inbox", None),
    Operation.RECONCILE_BANK: ("POST", "/api/v1/banks/ICBC/reconciliations", {"source": "api"}),
    Operation.VIEW_RECONCILIATION: ("GET", "/api/v1/banks/ICBC/reconciliations", None),
}

ROLE_ACTOR = {
    Role.OUTLET_CLERK: "clerk_instant",
    Role.HOTLINE_AGENT: "hotline",
    Role.BANK_SYSTEM: "bank_icbc",
    Role.CENTRE_ADMIN: "admin",
}


def test_every_operation_has_a_request() -> None:
    """Adding an operation without a request here fails, so the matrix stays whole."""
    assert set(REQUESTS) == set(Operation)


async def _actors(api: Api, person_id: int) -> dict[Role, str]:
    actors = dict(ROLE_ACTOR)
    actors[Role.CARDHOLDER] = await api.cardholder(person_id)
    r = await api.post(
        "/api/v1/actors",
        "admin",
        {"role": "unit_agent", "display_name": "单位经办", "unit_code": "91320400MA1W2X3Y4K"},
    )
    assert r.status_code == 201, r.text
    api.tokens["unit"] = r.json()["token"]
    actors[Role.UNIT_AGENT] = "unit"
    return actors


async def _send(api: Api, op: Operation, who: str, person_id: int) -> Any:
    method, path, body = REQUESTS[op]
    path = path.format(person=person_id)
    if body == "photo":
        return await api.call(
            method,
            path,
            who,
            content=make_standard_photo(3),
            headers={"Content-Type": "image/jpeg"},
        )
    if body == "new_person":
        body = api.person_body(
            document={"type": "resident_id", "number": citizen_number(ADULT_BIRTH)}
        )
    return await api.call(method, path, who, body)


@pytest.mark.parametrize("operation", list(Operation), ids=lambda o: o.value)
async def test_role_matrix(api: Api, operation: Operation) -> None:
    """SPEC CH-1: each role outside the allowed set is refused; each inside gets past the check."""
    person = await api.person()
    actors = await _actors(api, person["person_id"])
    for role in Role:
        before = await api.counts()
        r = await _send(api, operation, actors[role], person["person_id"])
        forbidden = r.status_code == 403 and r.json().get("code") == "forbidden"
        if role in PERMISSIONS[operation]:
            assert not forbidden, (role, operation, r.text)
        else:
            assert forbidden, (role, operation, r.status_code, r.text)
            assert await api.counts() == before, (role, operation)
