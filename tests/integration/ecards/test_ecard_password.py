"""The ecard password (issue 14 item 3; SPEC ECARD-3, PWD-2/3): set in the hall, asked before a
code that pays at a hospital is shown; wrong tries counted and locking; an outlet resets it; the
code then settles a visit, with no hr password asked (the ecard password was)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.ecards.test_ecard_qr import holder_with_card
from tests.integration.medical.test_medical import credit, fund, settle
from tests.integration.scenes.support import scene
from tests.support.api import Api

PASSWORD = "/api/v1/me/ecard/password"
MEDICAL_QR = "/api/v1/me/ecard/medical-qr"
GOOD, OTHER = "583920", "472816"


async def set_ok(api: Api, holder: str, body: dict[str, Any]) -> None:
    r = await api.call("PUT", PASSWORD, holder, body)
    assert r.status_code == 200, r.text
    assert r.json() == {"outcome": "set", "password_set": True}


@pytest.mark.parametrize(
    ("weak", "why"),
    [("111111", "同一数字"), ("123456", "连续"), ("12345", "数字"), ("19900115", "数字")],
)
async def test_a_weak_password_is_refused(api: Api, weak: str, why: str) -> None:
    _, holder = await holder_with_card(api)
    r = await api.call("PUT", PASSWORD, holder, {"new_password": weak})
    assert (r.status_code, r.json()["code"], r.json()["rule"]) == (422, "ecard_password_weak",
                                                                   "PWD-2")  # fmt: skip
    assert why in r.json()["detail_zh"]
    assert weak not in r.text
    assert await api.count("ecard_passwords") == 0


async def test_a_medical_code_needs_the_password_and_pays_at_the_hospital(api: Api) -> None:
    card, holder = await holder_with_card(api)
    r = await api.post(MEDICAL_QR, holder, {"password": GOOD})
    assert (r.status_code, r.json()["code"]) == (409, "ecard_password_not_set")
    r = await api.post("/api/v1/me/ecard/qr", holder, {"scope": "medical"})
    assert r.status_code == 422  # the plain route does not show a paying code
    await set_ok(api, holder, {"new_password": GOOD})
    r = await api.call("PUT", PASSWORD, holder, {"new_password": OTHER})
    assert (r.status_code, r.json()["field"]) == (422, "old_password")
    r = await api.post(MEDICAL_QR, holder, {"password": GOOD})
    assert r.status_code == 200, r.text
    code = r.json()["qr"]
    await fund(api)
    await credit(api, card["document"]["number"], 3000, "E-1")
    hospital = await scene(api, "hospital", "H32040000031")
    paid = await settle(hospital, "V1", 5000, 4000, qr=code)
    assert (paid["allowed"], paid["credential"], paid["account_fen"]) == (True, "ecard", 1000)
    replay = await settle(hospital, "V2", 5000, 4000, qr=code)
    assert (replay["allowed"], replay["code"]) == (False, "qr_refused")


async def test_wrong_tries_lock_and_an_outlet_resets(api: Api) -> None:
    """PWD-3: each wrong try is counted (and committed although refused); the last locks; the
    holder's ID at an outlet resets it."""
    card, holder = await holder_with_card(api)
    await set_ok(api, holder, {"new_password": GOOD})
    left = []
    for _ in range(5):
        r = await api.post(MEDICAL_QR, holder, {"password": OTHER})
        if r.status_code == 423:
            break
        assert (r.status_code, r.json()["code"]) == (403, "ecard_password_wrong")
        left.append(r.json()["remaining_tries"])
    assert r.json()["code"] == "ecard_password_locked"
    assert left == sorted(left, reverse=True)
    r = await api.post(MEDICAL_QR, holder, {"password": GOOD})
    assert r.status_code == 423  # the right one too, while locked
    path = f"/api/v1/cards/{card['card_number']}/ecard-password/reset"
    await api.present_holder(card["card_number"], "clerk_instant")
    wrong_doc = {"type": "resident_id", "number": "110101199003070011"}
    r = await api.post(path, "clerk_instant", {"new_password": OTHER, "document": wrong_doc})
    assert r.status_code in (403, 404, 422), r.text
    r = await api.post(path, "clerk_instant", {"new_password": OTHER,
                                               "document": card["document"]})  # fmt: skip
    assert r.status_code == 200, r.text
    r = await api.post(MEDICAL_QR, holder, {"password": OTHER})
    assert r.status_code == 200, r.text
