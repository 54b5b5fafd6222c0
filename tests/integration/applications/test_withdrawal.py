"""Withdrawing an open application through the API (issue 11; SPEC APP-7, ISS-1/2, ID-3, CH-2).

What withdrawal means follows the state: before production nothing was made; in production no
card data exists yet; a produced card is voided (never issued, destroyed) and its bank told.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from sscard.applications.events import ApplicationWithdrawn
from sscard.kernel.actor import OPERATOR
from sscard.kernel.events import BUS
from sscard.platform.outbox.models import outbox
from tests.support.api import ADULT_BIRTH, Api
from tests.support.numbers import citizen_number


async def withdraw(api: Api, reference: str, as_: str = "admin", **body: Any) -> httpx.Response:
    headers = body.pop("headers", {})
    payload = {"reason": "applicant_request", **body}
    return await api.post(
        f"/api/v1/applications/{reference}/withdraw", as_, payload, headers=headers
    )


async def bank_messages(api: Api, card_number: str) -> list[tuple[str, dict[str, Any]]]:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        rows = await ctx.conn.execute(select(outbox).order_by(outbox.c.id))
        found = [(r.topic, r.payload) for r in rows]
    return [
        (topic, p)
        for topic, p in found
        if card_number in (p.get("card_number"), p.get("old_card_number"))
    ]


async def test_withdrawn_before_production_nothing_was_made(api: Api) -> None:
    """Issue 11: accepted at a fast outlet, withdrawn by its clerk; no card, no bank message;
    the person may apply again (ID-3 counts open applications only)."""
    app = await api.applied("clerk_fast")
    outbox_before = await api.count("outbox")
    r = await withdraw(api, app["reference"], "clerk_fast", reason="duplicate")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "withdrawn"
    assert body["card"] is None
    assert body["withdrawal"]["reason"] == "duplicate"
    assert body["withdrawal"]["reason_zh"] == "重复申领"
    assert body["progress"][-1]["status"] == "withdrawn"
    assert body["progress"][-1]["reason"] == "duplicate"
    assert await api.count("cards") == 0
    assert await api.count("outbox") == outbox_before
    again = await api.submit(app["person_id"], "clerk_fast")
    assert again.status_code == 201, again.text


async def test_withdrawn_in_production_no_card_data_exists_yet(api: Api) -> None:
    """Issue 11 / ISS-1: card data is made at the end of production; stopping before is clean."""
    app = await api.applied("clerk_fast")
    assert (await api.step(app["reference"], "start-production")).status_code == 200
    r = await withdraw(api, app["reference"], "admin", reason="error", note="录入错误")
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["card"]) == ("withdrawn", None)
    assert r.json()["withdrawal"]["note"] == "录入错误"
    refused = await api.step(app["reference"], "finish-production")
    assert refused.status_code == 409
    assert (refused.json()["code"], refused.json()["rule"]) == (
        "application_transition_refused",
        "APP-7",
    )
    assert await api.count("cards") == 0


@pytest.mark.parametrize("delivered", [False, True])
async def test_a_made_card_is_voided_and_its_bank_told(api: Api, delivered: bool) -> None:
    """Issue 11 / ISS-2 / CAN-5: produced (at the centre) or at the outlet, the card is voided:
    never issued, never to return; its bank, which opened the account on the production data,
    gets the hr change and a closure request naming the application."""
    app = await api.applied("clerk_fast")
    ref = app["reference"]
    for step in ("start-production", "finish-production"):
        assert (await api.step(ref, step)).status_code == 200
    if delivered:
        assert (await api.step(ref, "deliver-to-outlet")).status_code == 200
    r = await withdraw(api, ref, "clerk_fast", reason="death")
    assert r.status_code == 200, r.text
    card = r.json()["card"]
    assert card["hr_status"] == "cancelled"
    assert card["financial_status"] == "account_requested"  # the bank's, until it reports
    n = card["card_number"]
    messages = await bank_messages(api, n)
    assert [t for t, _ in messages] == [
        "bank.account_requested",
        "bank.card_status_changed",
        "bank.account_closure_requested",
    ]
    assert messages[1][1] == {"card_number": n, "event": "void", "hr_status": "cancelled"}
    closure = messages[2][1]
    assert (closure["notice_reference"], closure["reason"]) == (ref, "application_withdrawn")
    history = (await api.get(f"/api/v1/cards/{n}/history", "admin")).json()
    assert (history[-1]["event"], history[-1]["to_state"], history[-1]["reason"]) == (
        "void",
        "cancelled",
        "death",
    )
    use = (await api.get(f"/api/v1/cards/{n}/may-use?use=medical", "admin")).json()
    assert (use["allowed"], use["code"]) == (False, "card_dead")


async def test_an_instant_card_is_voided_at_the_counter(api: Api) -> None:
    """Issue 11 / ISS-3: made on the spot, withdrawn before it is handed over; never collected."""
    doc = {"type": "resident_id", "number": citizen_number(ADULT_BIRTH)}
    person = await api.person("clerk_instant", document=doc)
    app = (await api.submit(person["person_id"], "clerk_instant")).json()
    assert app["status"] == "ready_for_collection"
    r = await withdraw(api, app["reference"], "clerk_instant")
    assert r.status_code == 200, r.text
    assert r.json()["card"]["hr_status"] == "cancelled"
    collect = await api.post(
        f"/api/v1/applications/{app['reference']}/collect", "clerk_instant", {"document": doc}
    )
    assert collect.status_code == 409
    assert collect.json()["code"] == "application_transition_refused"


async def test_collected_and_withdrawn_applications_are_refused(api: Api) -> None:
    """SPEC APP-7: a collected card is cancelled, not withdrawn; nothing is withdrawn twice."""
    card = await api.card()
    r = await withdraw(api, card["reference"], "admin")
    assert r.status_code == 409
    assert (r.json()["code"], r.json()["rule"]) == ("application_transition_refused", "APP-7")
    app = await api.applied("clerk_fast")
    assert (await withdraw(api, app["reference"], "admin")).status_code == 200
    r = await withdraw(api, app["reference"], "admin")
    assert r.status_code == 409
    assert "已撤回" in r.json()["detail_zh"]


async def test_only_the_applying_outlet_or_the_centre_withdraws(api: Api) -> None:
    """Issue 11 / ISS-3: another outlet's clerk does not see the application; the hotline and
    banks may not withdraw (CH-1)."""
    app = await api.applied("clerk_fast")
    other = await withdraw(api, app["reference"], "clerk_other")
    assert other.status_code == 404
    for who in ("hotline", "bank_icbc"):
        r = await withdraw(api, app["reference"], who)
        assert (r.status_code, r.json()["rule"]) == (403, "CH-1")
    assert (await api.get(f"/api/v1/applications/{app['reference']}", "admin")).json()[
        "status"
    ] == "accepted"


async def test_other_needs_a_note_and_a_note_holds_no_id_number(api: Api) -> None:
    """Issue 11 / ID-6: 'other' says why; free text never carries an ID number."""
    app = await api.applied("clerk_fast")
    r = await withdraw(api, app["reference"], "clerk_fast", reason="other")
    assert (r.status_code, r.json()["code"]) == (422, "withdrawal_note_required")
    r = await withdraw(
        api, app["reference"], "clerk_fast", reason="other", note="证件110101199003070011"
    )
    assert r.status_code == 422
    assert r.json()["field"] == "note"
    r = await withdraw(api, app["reference"], "clerk_fast", reason="unknown")
    assert r.status_code == 422


async def test_a_retry_with_the_same_key_answers_the_same(api: Api) -> None:
    """Issue 11: Idempotency-Key through the shared write: one withdrawal, one answer."""
    app = await api.applied("clerk_instant")
    key = {"Idempotency-Key": f"withdraw-{app['reference']}"}
    first = await withdraw(api, app["reference"], "clerk_instant", headers=key)
    history = await api.count("history")
    outbox_rows = await api.count("outbox")
    again = await withdraw(api, app["reference"], "clerk_instant", headers=key)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert (await api.count("history"), await api.count("outbox")) == (history, outbox_rows)


async def test_the_withdrawal_is_published_in_its_transaction(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11: ApplicationWithdrawn carries references only (no personal data)."""
    seen: list[ApplicationWithdrawn] = []

    async def capture(ctx: Any, events: Any) -> None:
        seen.extend(events)

    monkeypatch.setitem(BUS._handlers, ApplicationWithdrawn, [capture])
    app = await api.applied("clerk_instant")
    r = await withdraw(api, app["reference"], "clerk_instant", reason="death")
    assert r.status_code == 200, r.text
    (event,) = seen
    assert (event.reference, event.reason.value, event.from_state.value) == (
        app["reference"],
        "death",
        "ready_for_collection",
    )
    assert event.voiding.value == "card_voided"
    assert event.voided is not None
    assert event.voided.card_number == r.json()["card"]["card_number"]
    assert event.replaced is None


async def test_the_history_says_who_where_and_why(api: Api) -> None:
    """SPEC CH-2: the withdrawal's history row: actor, channel, reason and note."""
    app = await api.applied("clerk_fast")
    r = await withdraw(api, app["reference"], "clerk_fast", reason="other", note="申领人改期")
    assert r.status_code == 200, r.text
    rows = (await api.get(f"/api/v1/applications/{app['reference']}/history", "admin")).json()
    last = rows[-1]
    assert (last["event"], last["from_state"], last["to_state"]) == (
        "withdraw",
        "accepted",
        "withdrawn",
    )
    assert last["reason"] == "other: 申领人改期"
    assert last["channel"] == "hr_outlet"


async def test_listing_by_status_finds_withdrawn_applications(api: Api) -> None:
    """SPEC APP-7: withdrawn work is neither open nor overdue."""
    app = await api.applied("clerk_fast")
    assert (await withdraw(api, app["reference"])).status_code == 200
    r = await api.get("/api/v1/applications?status=withdrawn", "admin")
    assert [a["reference"] for a in r.json()["items"]] == [app["reference"]]
    assert r.json()["items"][0]["overdue"] is False
