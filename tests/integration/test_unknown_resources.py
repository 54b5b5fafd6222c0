"""Every route that names a resource in its path answers 404 `not_found` for one that does not
exist, naming the parameter, whatever else the request carries, and changes nothing.

A request that names an unknown person, card, application, notice, city, outlet, actor, bank or
reconciliation run must not be answered by a later rule (a 409 "no replacement in progress" for
a person who is not there): the caller would act on a false reason. The body of each request
below is valid, and its actor may make it, so only the missing resource can refuse it. A new
route with a path parameter fails `test_every_route_with_a_path_parameter_is_here` until it is
added.
"""

from __future__ import annotations

from typing import Any

import pytest

from sscard.app import create_app
from sscard.registry.photo import make_standard_photo
from tests.support.api import Api
from tests.support.unit_batches import registered_unit

# Nothing here differs by database: it runs once, on SQLite (Makefile, test-postgres).
pytestmark = pytest.mark.any_database


NO_PERSON = "999999"
NO_CARD = "Z99999999"
NO_APP = "SQ32042026112399999999"
NO_NOTICE = "ZX32042026112399999999"
DOC = {"type": "resident_id", "number": "110101199003070011"}
CARD = f"/api/v1/cards/{NO_CARD}"
PERSON = f"/api/v1/persons/{NO_PERSON}"
CARD_TRANSPORT = f"/api/v1/transport/purses/{NO_CARD}"
APP = f"/api/v1/applications/{NO_APP}"
BATCH = "/api/v1/units/batches/PC32042026112399999999"
HANDOVER = "/api/v1/units/handovers/FF32042026112399999999"
NO_UNIT = "91320400MA00099991"  # well formed, check digit right, registered by nobody
UNIT = f"/api/v1/units/{NO_UNIT}"
UNIT_BATCH = "/api/v1/unit-batches/PC32042026112399999999"
NO_SCENE = "/api/v1/scenes/NS3204999999"

# (method, route template, concrete path, actor, body, the field the 404 names)
CASES: list[tuple[str, str, str, str, Any, str]] = [
    ("PUT", "/api/v1/persons/{person_id}/photo", f"{PERSON}/photo", "clerk_instant", "photo",
     "person_id"),
    ("GET", "/api/v1/persons/{person_id}", PERSON, "clerk_instant", None, "person_id"),
    ("GET", "/api/v1/applications/{reference}", APP, "admin", None, "reference"),
    ("GET", "/api/v1/applications/{reference}/history", f"{APP}/history", "admin", None,
     "reference"),
    ("POST", "/api/v1/applications/{reference}/start-production", f"{APP}/start-production",
     "admin", None, "reference"),
    ("POST", "/api/v1/applications/{reference}/finish-production", f"{APP}/finish-production",
     "admin", None, "reference"),
    ("POST", "/api/v1/applications/{reference}/deliver-to-outlet", f"{APP}/deliver-to-outlet",
     "admin", None, "reference"),
    ("POST", "/api/v1/applications/{reference}/collect", f"{APP}/collect", "clerk_instant",
     {"document": DOC}, "reference"),
    ("POST", "/api/v1/applications/{reference}/withdraw", f"{APP}/withdraw", "admin",
     {"reason": "applicant_request"}, "reference"),
    ("POST", "/api/v1/cards/{card_number}/replacement", f"{CARD}/replacement", "clerk_instant",
     {}, "card_number"),
    ("POST", "/api/v1/cards/{card_number}/exchange", f"{CARD}/exchange", "clerk_instant",
     {"reason": "damage", "old_card_returned": True}, "card_number"),
    ("POST", "/api/v1/persons/{person_id}/temporary-medical-cards",
     f"{PERSON}/temporary-medical-cards", "clerk_fast", None, "person_id"),
    ("GET", "/api/v1/persons/{person_id}/temporary-medical-cards",
     f"{PERSON}/temporary-medical-cards", "clerk_fast", None, "person_id"),
    ("POST", "/api/v1/persons/{person_id}/base-data-corrections",
     f"{PERSON}/base-data-corrections", "clerk_instant",
     {"certificate_number": "GA-2026-0001", "name": "改名"}, "person_id"),
    ("POST", "/api/v1/cards/{card_number}/management-city", f"{CARD}/management-city",
     "clerk_instant",
     {"to_city_code": "3205", "transfer_certificate_number": "ZY-000001", "document": DOC},
     "card_number"),
    ("POST", "/api/v1/cards/{card_number}/social-data-reset", f"{CARD}/social-data-reset",
     "clerk_suzhou", None, "card_number"),
    ("GET", "/api/v1/cards/{card_number}", CARD, "hotline", None, "card_number"),
    ("GET", "/api/v1/cards/{card_number}/history", f"{CARD}/history", "admin", None,
     "card_number"),
    ("GET", "/api/v1/cards/{card_number}/may-use", f"{CARD}/may-use?use=medical", "bank_icbc",
     None, "card_number"),
    ("POST", "/api/v1/cards/{card_number}/temporary-loss", f"{CARD}/temporary-loss", "hotline",
     None, "card_number"),
    ("POST", "/api/v1/cards/{card_number}/formal-loss", f"{CARD}/formal-loss",
     "clerk_nanjing_bank", None, "card_number"),
    ("POST", "/api/v1/cards/{card_number}/unlock", f"{CARD}/unlock", "hotline", None,
     "card_number"),
    ("POST", "/api/v1/cards/{card_number}/cancel", f"{CARD}/cancel", "clerk_instant",
     {"reason": "death"}, "card_number"),
    ("GET", "/api/v1/cancellations/{reference}", f"/api/v1/cancellations/{NO_NOTICE}",
     "clerk_instant", None, "reference"),
    ("GET", "/api/v1/cancellations/{reference}/notice.pdf",
     f"/api/v1/cancellations/{NO_NOTICE}/notice.pdf", "clerk_instant", None, "reference"),
    ("GET", "/api/v1/cities/{city_code}", "/api/v1/cities/3299", "admin", None, "city_code"),
    ("PUT", "/api/v1/cities/{city_code}/banks", "/api/v1/cities/3299/banks", "admin",
     {"bank_codes": ["ICBC"]}, "city_code"),
    ("GET", "/api/v1/cities/{city_code}/policies", "/api/v1/cities/3299/policies", "admin",
     None, "city_code"),
    ("POST", "/api/v1/cities/{city_code}/policies", "/api/v1/cities/3299/policies", "admin",
     {"effective_from": "2027-01-01", "rules": {}, "source": "test"}, "city_code"),
    ("GET", "/api/v1/outlets/{code}", "/api/v1/outlets/3299-HR-001", "admin", None, "code"),
    ("PATCH", "/api/v1/outlets/{code}", "/api/v1/outlets/3299-HR-001", "admin",
     {"phone": "0519-1"}, "code"),
    ("POST", "/api/v1/actors/{actor_id}/deactivate", "/api/v1/actors/999999/deactivate",
     "admin", None, "actor_id"),
    ("POST", "/api/v1/staff-accounts/{account_id}/reset", "/api/v1/staff-accounts/999999/reset",
     "admin", None, "account_id"),
    ("GET", "/api/v1/persons/{person_id}/credit-record", f"{PERSON}/credit-record", "admin",
     None, "person_id"),
    ("POST", "/api/v1/persons/{person_id}/credit-record", f"{PERSON}/credit-record", "admin",
     {"kind": "malicious_repeat_exchange"}, "person_id"),
    ("GET", "/api/v1/cards/{card_number}/hr-password", f"{CARD}/hr-password", "clerk_instant",
     None, "card_number"),
    ("PUT", "/api/v1/cards/{card_number}/hr-password", f"{CARD}/hr-password", "clerk_instant",
     {"new_password": "739251"}, "card_number"),
    ("POST", "/api/v1/cards/{card_number}/hr-password/verify", f"{CARD}/hr-password/verify",
     "bank_icbc", {"password": "739251"}, "card_number"),
    ("POST", "/api/v1/cards/{card_number}/hr-password/reset", f"{CARD}/hr-password/reset",
     "clerk_instant", {"new_password": "739251", "document": DOC}, "card_number"),
    ("GET", "/api/v1/bank-inbox/{bank}/{message_id}", "/api/v1/bank-inbox/ICBC/no-such-message",
     "admin", None, "message_id"),
    ("POST", "/api/v1/banks/{bank_code}/reconciliations", "/api/v1/banks/NOBANK/reconciliations",
     "admin", {"source": "api"}, "bank_code"),
    ("GET", "/api/v1/banks/{bank_code}/reconciliations", "/api/v1/banks/NOBANK/reconciliations",
     "admin", None, "bank_code"),
    ("GET", "/api/v1/reconciliations/{run_id}", "/api/v1/reconciliations/999999", "admin", None,
     "run_id"),
    ("GET", "/api/v1/reconciliations/{run_id}/differences.csv",
     "/api/v1/reconciliations/999999/differences.csv", "admin", None, "run_id"),
    ("POST", "/api/v1/outbox/{message_id}/replay", "/api/v1/outbox/999999/replay", "admin", None,
     "message_id"),
    ("POST", "/api/v1/delivery-endpoints/{recipient}/enable",
     "/api/v1/delivery-endpoints/NOBANK/enable", "admin", None, "recipient"),
    ("POST", "/api/v1/delivery-endpoints/{recipient}/disable",
     "/api/v1/delivery-endpoints/NOBANK/disable", "admin", None, "recipient"),
    # Issue 13: online applications (APP-4), family binding (ECARD-4), unit batches (APP-3).
    ("POST", "/api/v1/me/cards/{card_number}/replacement",
     f"/api/v1/me/cards/{NO_CARD}/replacement", "holder",
     {"delivery": {"mode": "outlet", "outlet_code": "3204-HR-001"}}, "card_number"),
    ("POST", "/api/v1/applications/{reference}/mail", f"{APP}/mail", "admin",
     {"tracking_number": "1234567890123"}, "reference"),
    ("POST", "/api/v1/applications/{reference}/delivered", f"{APP}/delivered", "admin", None,
     "reference"),
    ("POST", "/api/v1/applications/{reference}/returned", f"{APP}/returned", "admin", {},
     "reference"),
    ("POST", "/api/v1/family-bindings/{binding_id}/end", "/api/v1/family-bindings/999999/end",
     "clerk_instant", None, "binding_id"),
    ("GET", "/api/v1/units/batches/{reference}", f"{BATCH}", "admin", None, "reference"),
    ("GET", "/api/v1/units/batches/{reference}/members", f"{BATCH}/members", "admin", None,
     "reference"),
    ("GET", "/api/v1/units/batches/{reference}/handovers", f"{BATCH}/handovers", "admin", None,
     "reference"),
    ("POST", "/api/v1/units/batches/{reference}/start-production", f"{BATCH}/start-production",
     "admin", None, "reference"),
    ("POST", "/api/v1/units/batches/{reference}/finish-production",
     f"{BATCH}/finish-production", "admin", None, "reference"),
    ("POST", "/api/v1/units/batches/{reference}/deliver-to-outlet",
     f"{BATCH}/deliver-to-outlet", "admin", None, "reference"),
    ("POST", "/api/v1/units/batches/{reference}/handovers", f"{BATCH}/handovers", "clerk_fast",
     {"mode": "logistics", "carrier": "EMS", "waybill": "1"}, "reference"),
    ("GET", "/api/v1/units/handovers/{reference}", f"{HANDOVER}", "clerk_fast", None,
     "reference"),
    ("POST", "/api/v1/units/handovers/{reference}/delivery", f"{HANDOVER}/delivery",
     "clerk_fast", None, "reference"),
    ("POST", "/api/v1/units/handovers/{reference}/return", f"{HANDOVER}/return", "clerk_fast",
     {"cards": [{"card_number": NO_CARD, "outcome": "distributed"}]}, "reference"),
    ("PUT", "/api/v1/units/batches/{reference}/members/{row_number}/photo",
     f"{BATCH}/members/2/photo", "unit_agent", "photo", "reference"),
    ("GET", "/api/v1/units/{credit_code}", UNIT, "admin", None, "credit_code"),
    ("GET", "/api/v1/units/{credit_code}/batches", f"{UNIT}/batches", "admin", None,
     "credit_code"),
    ("POST", "/api/v1/units/{credit_code}/agents", f"{UNIT}/agents", "clerk_fast",
     {"name": "经办人", "document": DOC, "phone": "13900000000", "username": "agent.nobody"},
     "credit_code"),
    ("POST", "/api/v1/units/{credit_code}/agents/{agent_id}/end", f"{UNIT}/agents/1/end",
     "clerk_fast", None, "credit_code"),
    ("GET", "/api/v1/unit-batches/{reference}", UNIT_BATCH, "admin", None, "reference"),
    ("GET", "/api/v1/unit-batches/{reference}/rows", f"{UNIT_BATCH}/rows", "admin", None,
     "reference"),
    ("GET", "/api/v1/unit-batches/{reference}/result.xlsx", f"{UNIT_BATCH}/result.xlsx",
     "admin", None, "reference"),
    # Issue 14: a channel the national list does not name (ECARD-1).
    ("PUT", "/api/v1/me/ecard/channels/{channel}/consent",
     "/api/v1/me/ecard/channels/no_such_app/consent", "holder", None, "channel"),
    ("DELETE", "/api/v1/me/ecard/channels/{channel}/consent",
     "/api/v1/me/ecard/channels/no_such_app/consent", "holder", None, "channel"),
    # Issue 14: a scene nobody registered (SCN-1).
    ("GET", "/api/v1/scenes/{code}", NO_SCENE, "admin", None, "code"),
    ("POST", "/api/v1/scenes/{code}/terminals", f"{NO_SCENE}/terminals", "admin",
     {"terminal_code": "T1"}, "code"),
    ("POST", "/api/v1/scenes/{code}/terminals/{terminal_code}/deactivate",
     f"{NO_SCENE}/terminals/T1/deactivate", "admin", None, "code"),
    ("GET", "/api/v1/scenes/{code}/uses", f"{NO_SCENE}/uses?since=2026-11-23", "admin", None,
     "code"),
    # Issue 14: the medical personal account of nobody, a filing the holder never made (MED-1/2).
    ("GET", "/api/v1/persons/{person_id}/medical", f"{PERSON}/medical", "admin", None,
     "person_id"),
    ("POST", "/api/v1/me/medical/filings/{filing_id}/end", "/api/v1/me/medical/filings/99/end",
     "holder", None, "filing_id"),
    ("GET", "/api/v1/me/insurance-certificates/{code}",
     "/api/v1/me/insurance-certificates/AAAA-BBBB-CCCC-DDDD", "holder", None, "code"),
    ("GET", "/api/v1/insurance-certificates/{code}",
     "/api/v1/insurance-certificates/AAAA-BBBB-CCCC-DDDD", "admin", None, "code"),
    ("GET", "/api/v1/transport/purses/{card_number}", CARD_TRANSPORT, "clerk_transport", None,
     "card_number"),
    ("POST", "/api/v1/transport/purses/{card_number}/refund", f"{CARD_TRANSPORT}/refund",
     "clerk_transport", None, "card_number"),
    ("POST", "/api/v1/transport/top-ups/{reference}/confirm",
     "/api/v1/transport/top-ups/NO-SUCH/confirm", "clerk_transport", {"counter": 1}, "reference"),
    ("POST", "/api/v1/transport/top-ups/{reference}/reverse",
     "/api/v1/transport/top-ups/NO-SUCH/reverse", "clerk_transport", None, "reference"),
    ("GET", "/api/v1/medical-credits/{reference}", "/api/v1/medical-credits/NO-SUCH-REF",
     "admin", None, "reference"),
    ("POST", "/api/v1/cards/{card_number}/ecard-password/reset",
     f"{CARD}/ecard-password/reset", "clerk_instant", {"new_password": "583920",
     "document": DOC}, "card_number"),
    ("GET", "/api/v1/payment-batches/{batch_id}", "/api/v1/payment-batches/999999", "admin",
     None, "batch_id"),
    ("GET", "/api/v1/payment-batches/{batch_id}/payments",
     "/api/v1/payment-batches/999999/payments", "admin", None, "batch_id"),
    ("GET", "/api/v1/payment-batches/{batch_id}/report.csv",
     "/api/v1/payment-batches/999999/report.csv", "admin", None, "batch_id"),
    ("GET", "/api/v1/debits/{debit_id}", "/api/v1/debits/999999", "admin", None, "debit_id"),
    ("GET", "/api/v1/transport/clearing-files/{file_id}",
     "/api/v1/transport/clearing-files/999999", "admin", None, "file_id"),
    ("POST", "/api/v1/me/mandates/{reference}/revoke", "/api/v1/me/mandates/MDNOSUCH/revoke",
     "holder", None, "reference"),
]  # fmt: skip

# Routes whose path parameter is not a resource looked up but one the request creates: a
# calendar year (any year in range), a recipient's endpoint (an unknown recipient is refused
# as invalid input, tests/integration/platform/outbox/test_delivery_admin.py), a delta node
# (a province outside the delta likewise, tests/integration/delta/test_exchange.py), a payer
# (registered by the PUT, tests/integration/payments/test_batches.py).
NOT_LOOKUPS = {
    ("PUT", "/api/v1/calendar/years/{year}"),
    ("PUT", "/api/v1/delivery-endpoints/{recipient}"),
    ("PUT", "/api/v1/delta/nodes/{province_code}"),
    ("PUT", "/api/v1/payers/{code}"),
    ("PUT", "/api/v1/payees/{code}"),
    ("PUT", "/api/v1/offers/{code}"),
}


def test_every_route_with_a_path_parameter_is_here() -> None:
    """Read from the OpenAPI document: every route the app serves, included routers too."""
    paths = create_app().openapi()["paths"]
    routes = {
        (method.upper(), path)
        for path, methods in paths.items()
        if "{" in path
        for method in methods
    }
    assert routes - NOT_LOOKUPS == {(c[0], c[1]) for c in CASES}


@pytest.mark.parametrize(
    ("method", "path", "who", "body", "field"),
    [c[0:1] + c[2:] for c in CASES],
    ids=[f"{c[0]} {c[1]}" for c in CASES],
)
async def test_an_unknown_resource_is_not_found(
    api: Api, method: str, path: str, who: str, body: Any, field: str
) -> None:
    who = await _actor(api, who)
    before = await api.counts()
    if body == "photo":
        r = await api.call(
            method, path, who, content=make_standard_photo(3),
            headers={"Content-Type": "image/jpeg"},
        )  # fmt: skip
    else:
        r = await api.call(method, path, who, body)
    assert r.status_code == 404, r.text
    problem = r.json()
    assert (problem["code"], problem["field"]) == ("not_found", field), problem
    assert await api.counts() == before


async def _actor(api: Api, who: str) -> str:
    """The token key: "holder" is a cardholder of a person registered for the purpose, and
    "unit_agent" the agent of a unit registered for it."""
    if who == "holder":
        return await api.cardholder((await api.person())["person_id"])
    if who == "unit_agent":
        return (await registered_unit(api)).agent
    return who


TOO_BIG = str(2**63)  # one past the largest integer the databases store
NUMERIC = [c for c in CASES if "/999999" in c[2]]


@pytest.mark.parametrize(
    ("method", "path", "who", "body", "field"),
    [c[0:1] + c[2:] for c in NUMERIC],
    ids=[f"{c[0]} {c[1]}" for c in NUMERIC],
)
async def test_an_id_beyond_what_the_database_stores_is_bad_input(
    api: Api, method: str, path: str, who: str, body: Any, field: str
) -> None:
    """Refused as the path parameter's bad value (422), never a database error (500)."""
    path = path.replace("999999", TOO_BIG)
    if body == "photo":
        photo = make_standard_photo(3)
        r = await api.call(method, path, who, content=photo, headers={"Content-Type": "image/jpeg"})
    else:
        r = await api.call(method, path, who, body)
    assert r.status_code == 422, r.text
    assert (r.json()["code"], r.json()["field"]) == ("invalid_input", field)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/applications", "person_id"),
        ("/api/v1/applications?after=" + TOO_BIG, "after"),
        ("/api/v1/outbox?after_id=" + TOO_BIG, "after_id"),
        ("/api/v1/notifications?person_id=" + TOO_BIG, "person_id"),
    ],
)
async def test_an_id_or_cursor_too_big_in_a_body_or_query_is_bad_input(
    api: Api, path: str, field: str
) -> None:
    if path == "/api/v1/applications":
        body = {"person_id": 2**70, "bank_code": "ICBC"}
        r = await api.post(path, "clerk_instant", body)
    else:
        r = await api.get(path, "admin")
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
