"""The whole (role, operation) matrix through the API (SPEC CH-1; issue 3 item 8).

The allowed set is data: each context's `permissions.py`, gathered in `sscard.wiring`. For every
operation there is one request below; every role outside the allowed set must get `forbidden`
(403, rule CH-1) and nothing changes; every role inside it must get past the role check (any
other answer: a missing card, an outlet that does not offer the operation, bad data, success).
"""

from __future__ import annotations

from typing import Any

import pytest

from sscard.actors.family.permissions import (
    ACT_FOR_DEPENDANT,
    END_FAMILY_BINDING,
    RECORD_FAMILY_BINDING,
    VIEW_FAMILY_BINDINGS,
)
from sscard.actors.permissions import CREATE_ACTOR
from sscard.actors.staff.permissions import MANAGE_STAFF
from sscard.applications.online.permissions import (
    APPLY_ONLINE,
    MAIL_CARD,
    REPLACE_ONLINE,
    VIEW_OWN_RECORD,
)
from sscard.applications.permissions import (
    COLLECT_CARD,
    DELIVER_TO_OUTLET,
    FINISH_PRODUCTION,
    LIST_APPLICATIONS,
    START_PRODUCTION,
    SUBMIT_APPLICATION,
    VIEW_APPLICATION,
    WITHDRAW_APPLICATION,
)
from sscard.applications.renewal.permissions import APPLY_EXCHANGE, APPLY_REPLACEMENT, APPLY_UPGRADE
from sscard.applications.temporary_medical.permissions import ISSUE_TEMPORARY_MEDICAL_CARD
from sscard.banks.permissions import SUBMIT_BANK_REPORT, VIEW_BANK_INBOX
from sscard.banks.reconciliation.permissions import RECONCILE_BANK, VIEW_RECONCILIATION
from sscard.cards.cancellation.permissions import CANCEL_CARD, VIEW_CLOSURE_NOTICE
from sscard.cards.expiry.permissions import LIST_EXPIRING_CARDS
from sscard.cards.jurisdiction.permissions import CHANGE_CARD_CITY, RESET_SOCIAL_DATA
from sscard.cards.loss.permissions import (
    REPORT_FORMAL_LOSS,
    REPORT_TEMPORARY_LOSS,
    SWEEP_LOSSES,
    UNLOCK_CARD,
)
from sscard.cards.passwords.permissions import (
    RESET_HR_PASSWORD,
    SET_HR_PASSWORD,
    VERIFY_HR_PASSWORD,
)
from sscard.cards.permissions import CHECK_CARD_USE, VIEW_CARD
from sscard.culture.permissions import ADMIT_AT_GATE, LEND_AT_LIBRARY, SELL_TICKET
from sscard.delta.permissions import ANSWER_DELTA_QUESTION, LINK_DELTA_NODE, VIEW_DELTA
from sscard.ecards.password.permissions import RESET_ECARD_PASSWORD, SET_ECARD_PASSWORD
from sscard.ecards.permissions import (
    CONSENT_ECARD_CHANNEL,
    ROTATE_ECARD_KEY,
    SHOW_ECARD_QR,
    VERIFY_ECARD_QR,
    VIEW_OWN_ECARD,
)
from sscard.hr_services.permissions import USE_HR_SERVICES
from sscard.kernel.actor import Operation, Role
from sscard.medical.permissions import (
    CREDIT_MEDICAL_ACCOUNTS,
    FILE_CROSS_REGION,
    SETTLE_MEDICAL,
    VIEW_MEDICAL_ACCOUNT,
    VIEW_MEDICAL_LEDGER,
)
from sscard.payments.collections.permissions import (
    ANSWER_DEBITS,
    REGISTER_PAYEE,
    REQUEST_DEBIT,
    SIGN_MANDATE,
    VIEW_DEBITS,
    VIEW_MY_MANDATES,
    VIEW_PAYEE_MANDATES,
)
from sscard.payments.permissions import (
    ANSWER_CREDITS,
    REGISTER_PAYER,
    SUBMIT_PAYMENT_BATCH,
    VIEW_MY_PAYMENTS,
    VIEW_PAYMENT_BATCH,
    VIEW_PAYMENT_STATISTICS,
)
from sscard.platform.access.permissions import VIEW_ACCESS_LOG
from sscard.platform.clock.permissions import MOVE_CLOCK
from sscard.platform.notify.permissions import DELIVER_NOTIFICATIONS, VIEW_NOTIFICATIONS
from sscard.platform.outbox.permissions import CONFIGURE_ENDPOINT, REPLAY_OUTBOX, VIEW_OUTBOX
from sscard.platform.permissions import VIEW_HISTORY
from sscard.promotions.permissions import (
    MANAGE_OFFERS,
    REDEEM_OFFER,
    VIEW_MY_OFFERS,
    VIEW_OFFERS,
)
from sscard.registry.calendar.permissions import LOAD_CALENDAR_YEAR
from sscard.registry.corrections.permissions import CORRECT_BASE_DATA
from sscard.registry.credit.permissions import RECORD_CREDIT_ENTRY, VIEW_CREDIT_RECORD
from sscard.registry.permissions import ATTACH_PHOTO, LOOKUP_PERSON, REGISTER_PERSON
from sscard.registry.photo import make_standard_photo
from sscard.registry.reference.permissions import EDIT_REFERENCE_DATA
from sscard.scenes.lists.permissions import PUBLISH_APPLICATION_LIST
from sscard.scenes.permissions import REGISTER_SCENE, USE_CARD_AT_SCENE, VIEW_SCENES
from sscard.statistics.permissions import REBUILD_STATISTICS, VIEW_STATISTICS
from sscard.transport.permissions import (
    DEBIT_FARE,
    LOAD_TRANSPORT,
    REFUND_TRANSPORT,
    TOP_UP_AT_TERMINAL,
    TOP_UP_TRANSPORT,
    VIEW_CLEARING_FILE,
    VIEW_TRANSPORT,
    VIEW_TRANSPORT_CLEARING,
)
from sscard.units.collection.permissions import (
    HAND_BATCH_TO_UNIT,
    RECORD_BATCH_DELIVERY,
    RECORD_DISTRIBUTION_LIST,
)
from sscard.units.permissions import (
    END_UNIT_AGENT,
    LIST_UNITS,
    NAME_UNIT_AGENT,
    PROCESS_UNIT_BATCHES,
    REGISTER_UNIT,
    UPLOAD_UNIT_BATCH,
    VIEW_BATCH_RESULT,
    VIEW_UNIT,
)
from sscard.units.photos.permissions import SUPPLY_MEMBER_PHOTO
from sscard.units.production.permissions import (
    DELIVER_BATCH_TO_OUTLET,
    FINISH_BATCH_PRODUCTION,
    START_BATCH_PRODUCTION,
    VIEW_BATCH_PROGRESS,
)
from sscard.wiring import OPERATIONS
from tests.integration.scenes.support import scene
from tests.support.api import ADULT_BIRTH, Api
from tests.support.numbers import citizen_number

# Nothing here differs by database: it runs once, on SQLite (Makefile, test-postgres).
pytestmark = pytest.mark.any_database


NO_CARD = "Z99999999"
NO_APP = "SQ32042026112399999999"
DOC = {"type": "resident_id", "number": "110101199003070011"}
CARD = f"/api/v1/cards/{NO_CARD}"
NO_BATCH = "/api/v1/units/batches/PC32042026112399999999"
NO_HANDOVER = "/api/v1/units/handovers/FF32042026112399999999"

# operation -> (method, path, JSON body); {person} is a real person's id.
REQUESTS: dict[Operation, tuple[str, str, Any]] = {
    REGISTER_PERSON: ("POST", "/api/v1/persons", "new_person"),
    ATTACH_PHOTO: ("PUT", "/api/v1/persons/{person}/photo", "photo"),
    LOOKUP_PERSON: ("GET", "/api/v1/persons/{person}", None),
    SUBMIT_APPLICATION: (
        "POST",
        "/api/v1/applications",
        {"person_id": 999999, "bank_code": "ICBC"},
    ),
    VIEW_APPLICATION: ("GET", f"/api/v1/applications/{NO_APP}", None),
    LIST_APPLICATIONS: ("GET", "/api/v1/applications", None),
    START_PRODUCTION: ("POST", f"/api/v1/applications/{NO_APP}/start-production", None),
    FINISH_PRODUCTION: ("POST", f"/api/v1/applications/{NO_APP}/finish-production", None),
    DELIVER_TO_OUTLET: ("POST", f"/api/v1/applications/{NO_APP}/deliver-to-outlet", None),
    COLLECT_CARD: ("POST", f"/api/v1/applications/{NO_APP}/collect", {"document": DOC}),
    # Issue 11: the card centre, or the applying outlet's clerk.
    WITHDRAW_APPLICATION: ("POST", f"/api/v1/applications/{NO_APP}/withdraw", {"reason": "error"}),
    VIEW_HISTORY: ("GET", f"{CARD}/history", None),
    EDIT_REFERENCE_DATA: ("PATCH", "/api/v1/outlets/3204-HR-005", {"phone": "0519-1"}),
    LOAD_CALENDAR_YEAR: (
        "PUT",
        "/api/v1/calendar/years/2031",
        {"holidays": [], "source": "matrix"},
    ),
    CREATE_ACTOR: (
        "POST",
        "/api/v1/actors",
        {"role": "hotline_agent", "display_name": "matrix"},
    ),
    MOVE_CLOCK: ("POST", "/api/v1/clock/advance", {"days": 0}),
    VIEW_CARD: ("GET", CARD, None),
    REPORT_TEMPORARY_LOSS: ("POST", f"{CARD}/temporary-loss", None),
    REPORT_FORMAL_LOSS: ("POST", f"{CARD}/formal-loss", None),
    UNLOCK_CARD: ("POST", f"{CARD}/unlock", None),
    CHECK_CARD_USE: ("GET", f"{CARD}/may-use?use=medical", None),
    SWEEP_LOSSES: ("POST", "/api/v1/cards/sweep-temporary-losses", None),
    APPLY_REPLACEMENT: ("POST", f"{CARD}/replacement", {}),
    APPLY_EXCHANGE: (
        "POST",
        f"{CARD}/exchange",
        {"reason": "damage", "old_card_returned": True},
    ),
    APPLY_UPGRADE: (
        "POST",
        "/api/v1/applications/upgrade",
        {
            "person_id": 999999,
            "bank_code": "ICBC",
            "old_card": {"generation": 2, "number": "6222021234567890"},
        },
    ),
    ISSUE_TEMPORARY_MEDICAL_CARD: (
        "POST",
        "/api/v1/persons/{person}/temporary-medical-cards",
        None,
    ),
    CORRECT_BASE_DATA: (
        "POST",
        "/api/v1/persons/{person}/base-data-corrections",
        {"certificate_number": "x", "name": "改名"},
    ),
    LIST_EXPIRING_CARDS: ("GET", "/api/v1/cards/expiring", None),
    RECORD_CREDIT_ENTRY: (
        "POST",
        "/api/v1/persons/{person}/credit-record",
        {"kind": "malicious_repeat_exchange"},
    ),
    VIEW_CREDIT_RECORD: ("GET", "/api/v1/persons/{person}/credit-record", None),
    VIEW_NOTIFICATIONS: ("GET", "/api/v1/notifications", None),
    DELIVER_NOTIFICATIONS: ("POST", "/api/v1/notifications/deliver", None),
    SET_HR_PASSWORD: ("PUT", f"{CARD}/hr-password", {"new_password": "739251"}),
    RESET_HR_PASSWORD: (
        "POST",
        f"{CARD}/hr-password/reset",
        {"new_password": "739251", "document": DOC},
    ),
    VERIFY_HR_PASSWORD: ("POST", f"{CARD}/hr-password/verify", {"password": "739251"}),
    CANCEL_CARD: ("POST", f"{CARD}/cancel", {"reason": "death"}),
    VIEW_CLOSURE_NOTICE: ("GET", "/api/v1/cancellations/ZX00000000", None),
    CHANGE_CARD_CITY: (
        "POST",
        f"{CARD}/management-city",
        {"to_city_code": "3205", "transfer_certificate_number": "ZY-000001", "document": DOC},
    ),
    RESET_SOCIAL_DATA: ("POST", f"{CARD}/social-data-reset", None),
    VIEW_OUTBOX: ("GET", "/api/v1/outbox", None),
    REPLAY_OUTBOX: ("POST", "/api/v1/outbox/replay", {"status": "failed"}),
    CONFIGURE_ENDPOINT: (
        "PUT",
        "/api/v1/delivery-endpoints/ICBC",
        {"transport": "http", "url": "http://127.0.0.1:9/webhook"},
    ),
    SUBMIT_BANK_REPORT: (
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
    VIEW_BANK_INBOX: ("GET", "/api/v1/bank-inbox", None),
    VIEW_ACCESS_LOG: ("GET", "/api/v1/access-log", None),
    RECONCILE_BANK: ("POST", "/api/v1/banks/ICBC/reconciliations", {"source": "api"}),
    VIEW_RECONCILIATION: ("GET", "/api/v1/banks/ICBC/reconciliations", None),
    MANAGE_STAFF: ("GET", "/api/v1/staff-accounts", None),
    VIEW_STATISTICS: ("GET", "/api/v1/statistics/dashboard", None),
    VIEW_OWN_RECORD: ("GET", "/api/v1/me/record", None),
    # Family binding (ECARD-4): a clerk records and ends; the hall's session switches.
    RECORD_FAMILY_BINDING: (
        "POST",
        "/api/v1/family-bindings",
        {
            "relative_social_security_number": DOC["number"],
            "dependant_social_security_number": DOC["number"],
            "relation": "parent",
            "proof": "household_register",
        },
    ),
    VIEW_FAMILY_BINDINGS: ("GET", "/api/v1/family-bindings?person_id={person}", None),
    END_FAMILY_BINDING: ("POST", "/api/v1/family-bindings/999999/end", None),
    ACT_FOR_DEPENDANT: ("POST", "/api/v1/online/acting-for", {"binding_id": 999999}),
    # The ecard (ECARD-1): its holder reads it and consents channel by channel.
    VIEW_OWN_ECARD: ("GET", "/api/v1/me/ecard", None),
    CONSENT_ECARD_CHANNEL: ("PUT", "/api/v1/me/ecard/channels/wechat/consent", None),
    SHOW_ECARD_QR: ("POST", "/api/v1/me/ecard/qr", {"scope": "identity"}),
    VERIFY_ECARD_QR: ("POST", "/api/v1/ecard-qr/checks", {"qr": "SC1:NOT-A-CODE"}),
    ROTATE_ECARD_KEY: ("POST", "/api/v1/ecard-keys/rotation", None),
    APPLY_ONLINE: (
        "POST",
        "/api/v1/me/applications",
        {"bank_code": "ICBC", "delivery": {"mode": "outlet", "outlet_code": "3204-HR-001"}},
    ),
    REPLACE_ONLINE: (
        "POST",
        "/api/v1/me/cards/32040000000000000X/replacement",
        {"delivery": {"mode": "outlet", "outlet_code": "3204-HR-001"}},
    ),
    MAIL_CARD: (
        "POST",
        "/api/v1/applications/SQ32042026112300000001/mail",
        {"tracking_number": "1234567890123"},
    ),
    REBUILD_STATISTICS: ("POST", "/api/v1/statistics/rebuild", {}),
    # Issue 13: after a unit's upload (units.photos, units.production, units.collection).
    SUPPLY_MEMBER_PHOTO: ("PUT", f"{NO_BATCH}/members/1/photo", "photo"),
    VIEW_BATCH_PROGRESS: ("GET", NO_BATCH, None),
    START_BATCH_PRODUCTION: ("POST", f"{NO_BATCH}/start-production", None),
    FINISH_BATCH_PRODUCTION: ("POST", f"{NO_BATCH}/finish-production", None),
    DELIVER_BATCH_TO_OUTLET: ("POST", f"{NO_BATCH}/deliver-to-outlet", None),
    HAND_BATCH_TO_UNIT: (
        "POST",
        f"{NO_BATCH}/handovers",
        {"mode": "logistics", "carrier": "EMS", "waybill": "1"},
    ),
    RECORD_BATCH_DELIVERY: ("POST", f"{NO_HANDOVER}/delivery", None),
    RECORD_DISTRIBUTION_LIST: (
        "POST",
        f"{NO_HANDOVER}/return",
        {"cards": [{"card_number": NO_CARD, "outcome": "distributed"}]},
    ),
    # Issue 13: units, their agents and batch uploads (units).
    REGISTER_UNIT: (
        "POST",
        "/api/v1/units",
        {"credit_code": "91320400MA1W2X3Y4K", "name": "矩阵单位", "kind": "enterprise"},
    ),
    VIEW_UNIT: ("GET", "/api/v1/units/91320400MA1W2X3Y5N", None),
    LIST_UNITS: ("GET", "/api/v1/units", None),
    NAME_UNIT_AGENT: (
        "POST",
        "/api/v1/units/91320400MA1W2X3Y5N/agents",
        {"name": "王经办", "document": DOC, "phone": "13900001234", "username": "matrix.agent"},
    ),
    END_UNIT_AGENT: ("POST", "/api/v1/units/91320400MA1W2X3Y5N/agents/1/end", None),
    UPLOAD_UNIT_BATCH: ("POST", "/api/v1/unit-batches?bank_code=ICBC", None),
    VIEW_BATCH_RESULT: ("GET", "/api/v1/unit-batches/PC32042026112300000001/rows", None),
    PROCESS_UNIT_BATCHES: ("POST", "/api/v1/unit-batches/process", None),
    # Issue 14: scenes and their terminals (scenes).
    REGISTER_SCENE: (
        "POST",
        "/api/v1/scenes",
        {"code": "MX3205000001", "name": "矩阵酒店", "kind": "hotel", "city_code": "3205"},
    ),
    VIEW_SCENES: ("GET", "/api/v1/scenes", None),
    USE_CARD_AT_SCENE: ("POST", "/api/v1/scene-uses/identity", {"card_number": NO_CARD}),
    VIEW_MEDICAL_LEDGER: ("GET", "/api/v1/medical-ledger", None),
    # Issue 15: the transport wallet (transport).
    LOAD_TRANSPORT: ("POST", "/api/v1/transport/purses", {"card_number": NO_CARD}),
    TOP_UP_TRANSPORT: (
        "POST",
        "/api/v1/transport/top-ups",
        {"card_number": NO_CARD, "amount_fen": 100, "channel": "outlet", "reference": "MX-TU-1"},
    ),
    REFUND_TRANSPORT: ("POST", f"/api/v1/transport/purses/{NO_CARD}/refund", None),
    VIEW_TRANSPORT: ("GET", f"/api/v1/transport/purses/{NO_CARD}", None),
    DEBIT_FARE: ("POST", "/api/v1/scene-uses/fares", {"card_number": NO_CARD}),
    TOP_UP_AT_TERMINAL: ("POST", "/api/v1/scene-uses/top-ups", {"card_number": NO_CARD}),
    VIEW_TRANSPORT_CLEARING: ("GET", "/api/v1/transport/clearing?day=2026-11-23", None),
    VIEW_CLEARING_FILE: ("GET", "/api/v1/transport/clearing-files/999999", None),
    # Issue 15: benefit payments (payments).
    REGISTER_PAYER: (
        "PUT",
        "/api/v1/payers/MX-PAYER",
        {"name_zh": "矩阵", "name_en": "matrix", "kinds": ["pension"]},
    ),
    SUBMIT_PAYMENT_BATCH: (
        "POST",
        "/api/v1/payment-batches",
        {
            "reference": "MX-1",
            "payer_code": "NO-SUCH",
            "lines": [
                {
                    "ssn": "x",
                    "amount_fen": 1,
                    "kind": "pension",
                    "period": "2026-11",
                    "payer_reference": "MX-1",
                }
            ],
        },
    ),
    VIEW_PAYMENT_BATCH: ("GET", "/api/v1/payment-batches/999999", None),
    ANSWER_CREDITS: (
        "POST",
        "/api/v1/bank-credit-answers",
        {"instruction_id": "CB-9", "answers": [{"payment_id": 1, "outcome": "credited"}]},
    ),
    VIEW_MY_PAYMENTS: ("GET", "/api/v1/me/payments", None),
    VIEW_PAYMENT_STATISTICS: (
        "GET",
        "/api/v1/payments/statistics?since=2026-11-01&until=2026-12-01",
        None,
    ),
    REGISTER_PAYEE: (
        "PUT",
        "/api/v1/payees/MX-PAYEE",
        {"name_zh": "矩阵", "name_en": "matrix", "kind": "water"},
    ),
    SIGN_MANDATE: (
        "POST",
        "/api/v1/me/mandates",
        {"payee_code": "NO-SUCH", "customer_number": "W-0001", "max_amount_fen": 100},
    ),
    VIEW_MY_MANDATES: ("GET", "/api/v1/me/mandates", None),
    REQUEST_DEBIT: (
        "POST",
        "/api/v1/debits",
        {
            "mandate_reference": "MDX",
            "amount_fen": 1,
            "period": "2026-11",
            "payee_reference": "MX-1",
        },
    ),
    ANSWER_DEBITS: (
        "POST",
        "/api/v1/bank-debit-answers",
        {"answers": [{"debit_id": 999999, "outcome": "debited"}]},
    ),
    VIEW_DEBITS: ("GET", "/api/v1/debits", None),
    VIEW_PAYEE_MANDATES: ("GET", "/api/v1/mandates", None),
    MANAGE_OFFERS: (
        "PUT",
        "/api/v1/offers/MX-OFFER",
        {
            "name_zh": "矩阵",
            "name_en": "matrix",
            "kind": "tourism_voucher",
            "sponsor": "矩阵",
            "trigger": "card_collected",
            "value_fen": 1,
            "redeem_at": "scene",
            "terms_zh": "矩阵",
            "terms_en": "matrix",
            "effective_from": "2027-01-01",
        },
    ),
    VIEW_OFFERS: ("GET", "/api/v1/offers", None),
    VIEW_MY_OFFERS: ("GET", "/api/v1/me/offers", None),
    REDEEM_OFFER: ("POST", "/api/v1/offer-redemptions", {"voucher_code": "ZZZZZZZZZZZZ"}),
    # Issue 14: the delta exchange (delta).
    ANSWER_DELTA_QUESTION: ("POST", "/api/v1/delta/card-status", {"card_number": NO_CARD}),
    LINK_DELTA_NODE: ("PUT", "/api/v1/delta/nodes/33", {"base_url": "http://127.0.0.1:9/33"}),
    VIEW_DELTA: ("GET", "/api/v1/delta", None),
    # Issue 14: medical use (medical).
    FILE_CROSS_REGION: (
        "POST",
        "/api/v1/medical-filings",
        {
            "person_id": 999999,
            "destination_code": "31",
            "reason": "residence",
            "valid_from": "2026-11-24",
        },
    ),
    VIEW_MEDICAL_ACCOUNT: ("GET", "/api/v1/persons/{person}/medical", None),
    CREDIT_MEDICAL_ACCOUNTS: (
        "POST",
        "/api/v1/medical-credits",
        {
            "credits": [
                {
                    "social_security_number": "110101199003070011",
                    "amount_fen": 1,
                    "reference": "MX-1",
                }
            ]
        },
    ),
    SETTLE_MEDICAL: (
        "POST",
        "/api/v1/scene-uses/medical",
        {"card_number": NO_CARD, "settlement_ref": "MX1", "total_fen": 100, "fund_fen": 0},
    ),
    # Issue 14: culture and tourism (culture).
    SELL_TICKET: (
        "POST",
        "/api/v1/scene-uses/tickets",
        {"card_number": NO_CARD, "ticket_ref": "T1", "valid_on": "2026-11-23", "price_fen": 0},
    ),
    ADMIT_AT_GATE: ("POST", "/api/v1/scene-uses/entry", {"card_number": NO_CARD}),
    LEND_AT_LIBRARY: ("POST", "/api/v1/scene-uses/library/returns", {"item_code": "B1"}),
    # Issue 14: application lists (scenes.lists).
    PUBLISH_APPLICATION_LIST: (
        "POST",
        "/api/v1/application-lists",
        {
            "scope": "city",
            "city_code": "3205",
            "effective_from": "2026-11-23",
            "entries": [],
            "note": "矩阵",
        },
    ),
    # Issue 14: HR services through the ecard (hr_services).
    USE_HR_SERVICES: ("GET", "/api/v1/me/hr-services", None),
    # Issue 14: the ecard password (ecards.password).
    SET_ECARD_PASSWORD: ("PUT", "/api/v1/me/ecard/password", {"new_password": "583920"}),
    RESET_ECARD_PASSWORD: (
        "POST",
        f"/api/v1/cards/{NO_CARD}/ecard-password/reset",
        {"new_password": "583920", "document": DOC},
    ),
}

ROLE_ACTOR = {
    Role.OUTLET_CLERK: "clerk_instant",
    Role.HOTLINE_AGENT: "hotline",
    Role.BANK_SYSTEM: "bank_icbc",
    Role.CENTRE_ADMIN: "admin_suzhou",
    Role.PROVINCE_ADMIN: "admin",
    Role.AUDITOR: "auditor",
}


def test_every_operation_has_a_request() -> None:
    """Adding an operation without a request here fails, so the matrix stays whole."""
    assert set(REQUESTS) == set(OPERATIONS)


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
    r = await api.post(
        "/api/v1/actors", "admin", {"role": "medical_fund", "display_name": "医保基金"}
    )
    assert r.status_code == 201, r.text
    api.tokens["fund"] = r.json()["token"]
    actors[Role.MEDICAL_FUND] = "fund"
    terminal = await scene(api, "hotel", "MX3201000001", city="3201")
    actors[Role.SCENE_TERMINAL] = terminal.key
    r = await api.call("PUT", "/api/v1/delta/nodes/31", "admin", {"base_url": "http://127.0.0.1:9"})
    assert r.status_code == 200, r.text
    api.tokens["node"] = r.json()["token"]
    actors[Role.DELTA_NODE] = "node"
    body = {"name_zh": "矩阵发放", "name_en": "matrix payer", "kinds": ["pension"]}
    r = await api.call("PUT", "/api/v1/payers/MX-MATRIX", "admin", body)
    assert r.status_code == 200, r.text
    api.tokens["payer"] = r.json()["token"]
    actors[Role.PAYER] = "payer"
    body = {"name_zh": "矩阵收费", "name_en": "matrix payee", "kind": "gas"}
    r = await api.call("PUT", "/api/v1/payees/MX-GAS", "admin", body)
    assert r.status_code == 200, r.text
    api.tokens["payee"] = r.json()["token"]
    actors[Role.PAYEE] = "payee"
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


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
async def test_role_matrix(api: Api, operation: Operation) -> None:
    """SPEC CH-1: each role outside the allowed set is refused; each inside gets past the check."""
    person = await api.person()
    actors = await _actors(api, person["person_id"])
    for role in Role:
        before = await api.counts()
        r = await _send(api, operation, actors[role], person["person_id"])
        forbidden = r.status_code == 403 and r.json().get("code") == "forbidden"
        if role in operation.roles:
            assert not forbidden, (role, operation, r.text)
        else:
            assert forbidden, (role, operation, r.status_code, r.text)
            assert await api.counts() == before, (role, operation)
