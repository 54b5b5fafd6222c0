"""A relative holds the ecard of a child under 16 (issue 14 item 5; SPEC ECARD-4): signed in to
the hall and switched to act for the child under the binding made at an outlet, the parent reads
the child's ecard and shows its QR; the code names the child, not the parent; back on their own
record, the parent's own ecard answers."""

from __future__ import annotations

from tests.integration.actors.test_family_binding import (
    _adult,
    _as,
    _bind,
    _child_card,
    _sign_in,
    _switch,
)
from tests.support.api import Api


async def test_a_parent_acting_for_the_child_shows_the_childs_ecard_qr(api: Api) -> None:
    child = await _child_card(api)
    parent = await _adult(api)
    binding = await _bind(api, parent, child)
    assert binding.status_code == 201, binding.text
    token = await _sign_in(api, parent)
    mine = await api.client.get("/api/v1/me/ecard", headers=_as(token))
    assert (mine.status_code, mine.json()["code"]) == (404, "not_found")  # the parent has no card
    assert (await _switch(api, token, binding.json()["id"])).status_code == 200
    ecard = await api.client.get("/api/v1/me/ecard", headers=_as(token))
    assert ecard.status_code == 200, ecard.text
    assert ecard.json()["status"] == "active"
    assert ecard.json()["card_number_masked"][:2] == child["card_number"][:2]
    shown = await api.client.post(
        "/api/v1/me/ecard/qr", json={"scope": "identity"}, headers=_as(token)
    )
    assert shown.status_code == 200, shown.text
    checked = await api.post("/api/v1/ecard-qr/checks", "clerk_other", {"qr": shown.json()["qr"]})
    assert checked.status_code == 200, checked.text
    assert checked.json()["person_id"] == child["person_id"]  # the child, not the parent
    assert (await _switch(api, token, None)).status_code == 200
    back = await api.client.get("/api/v1/me/ecard", headers=_as(token))
    assert back.status_code == 404  # the parent's own record again
