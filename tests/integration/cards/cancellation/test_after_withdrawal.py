"""A person dies while their replacement is being made (issue 11; SPEC LOSS-4, CAN-1..3, REP-3).

The old card is superseded from the replacement's acceptance on (LOSS-4, the stricter reading)
and stays so when the replacement is withdrawn: it never comes back to life, and it may then be
cancelled (CAN-3). While the replacement is open, cancelling the old card is refused naming the
application and how to withdraw it (CAN-2).
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.cards.cancellation.test_cancellation import (
    cancel,
    death,
    hr_status,
    outbox_rows,
    refused,
)
from tests.support.api import Api


async def replaced_card(api: Api, at: str = "clerk_fast") -> tuple[dict[str, Any], str]:
    """A collected card, formally lost at its bank, with a replacement applied for at `at`."""
    card = await api.card()
    n = card["card_number"]
    assert (await api.card_post(n, "formal-loss", "clerk_nanjing_bank")).status_code == 200
    r = await api.card_post(n, "replacement", at, {})
    assert r.status_code == 201, r.text
    return card, r.json()["reference"]


async def withdraw(api: Api, reference: str, as_: str, reason: str = "death") -> httpx.Response:
    return await api.post(f"/api/v1/applications/{reference}/withdraw", as_, {"reason": reason})


def lost(**over: Any) -> dict[str, Any]:
    """A death cancellation of a card that cannot be handed in (lost, or taken back)."""
    return death(card_presented=False, **over)


async def test_cancel_names_the_open_replacement_and_how_to_withdraw_it(api: Api) -> None:
    """Issue 11 / CAN-2 / LOSS-4: not 'card_transition_refused' with no way forward."""
    card, ref = await replaced_card(api)
    assert await hr_status(api, card) == "superseded"
    problem = await refused(
        api, cancel(api, card, lost()), 409, "card_superseded_by_open_application", "CAN-2"
    )
    step = f"POST /api/v1/applications/{ref}/withdraw"
    assert (problem["application_reference"], problem["next_step"]) == (ref, step)
    assert f"请先撤回申领{ref}：{step}" in problem["detail_zh"]
    assert "已受理" in problem["detail_zh"]
    assert f"withdraw application {ref} first: {step}" in problem["detail_en"]


async def test_death_cancellation_succeeds_after_the_replacement_is_withdrawn(api: Api) -> None:
    """Issue 11 / CAN-1..4: withdraw (death), then cancel the superseded card; the bank gets the
    hr change and the closure notice (CAN-3)."""
    card, ref = await replaced_card(api)
    r = await withdraw(api, ref, "clerk_fast")
    assert r.status_code == 200, r.text
    assert await hr_status(api, card) == "superseded"  # LOSS-4: dead, never back

    r = await cancel(api, card, lost())

    assert r.status_code == 201, r.text
    assert r.json()["card"]["hr_status"] == "cancelled"
    n = card["card_number"]
    history = (await api.get(f"/api/v1/cards/{n}/history", "admin")).json()
    assert (history[-1]["from_state"], history[-1]["to_state"]) == ("superseded", "cancelled")
    (closure,) = await outbox_rows(api, "bank.account_closure_requested")
    assert closure["payload"]["card_number"] == n
    assert closure["payload"]["notice_reference"] == r.json()["reference"]
    changes = [m["payload"] for m in await outbox_rows(api, "bank.card_status_changed")]
    assert changes[-1] == {"card_number": n, "event": "cancel", "hr_status": "cancelled"}


async def test_a_replacement_made_and_withdrawn_voids_the_new_card_too(api: Api) -> None:
    """Issue 11: the replacement was made on the spot; withdrawing it voids the new card, the
    old one stays superseded, and both end cancelled after the death cancellation."""
    card, ref = await replaced_card(api, at="clerk_instant")
    r = await withdraw(api, ref, "admin")
    assert r.status_code == 200, r.text
    new = r.json()["card"]
    assert new["hr_status"] == "cancelled"
    assert (await cancel(api, card, lost())).status_code == 201
    assert await hr_status(api, card) == "cancelled"


async def test_the_temporary_medical_card_ends_with_the_replacement(api: Api) -> None:
    """Issue 11 / REP-1: the temporary medical card covers the wait for a card that will not
    come; it ends when the replacement is withdrawn."""
    card, ref = await replaced_card(api)
    person = card["person_id"]
    path = f"/api/v1/persons/{person}/temporary-medical-cards"
    assert (await api.post(path, "clerk_fast")).status_code == 201
    assert (await withdraw(api, ref, "clerk_fast")).status_code == 200
    await api.present(person, "clerk_fast")  # the holder's document opens the record (issue 11)
    (temporary,) = (await api.get(path, "clerk_fast")).json()
    assert temporary["status"] == "ended"


async def test_an_exchange_withdrawn_leaves_the_old_card_superseded(api: Api) -> None:
    """Issue 11 / REP-3 / LOSS-4: the old card was taken back; it is not restored. The person
    holds no live card and may apply afresh (ID-3)."""
    card = await api.card()
    n = card["card_number"]
    body = {"reason": "damage", "old_card_returned": True}
    r = await api.card_post(n, "exchange", "clerk_fast", body)
    assert r.status_code == 201, r.text
    assert (
        await withdraw(api, r.json()["reference"], "clerk_fast", "applicant_request")
    ).is_success
    assert await hr_status(api, card) == "superseded"
    unlock = await api.card_post(n, "unlock", "hotline")
    assert (unlock.status_code, unlock.json()["code"]) == (409, "card_transition_refused")
    again = await api.submit(card["person_id"], "clerk_fast")
    assert again.status_code == 201, again.text


async def test_a_card_replaced_by_a_collected_card_is_not_cancelled(api: Api) -> None:
    """SPEC REP-3: once the new card was handed over, that card is the one to cancel."""
    card, ref = await replaced_card(api, at="clerk_instant")
    r = await api.post(
        f"/api/v1/applications/{ref}/collect", "clerk_instant", {"document": card["document"]}
    )
    assert r.status_code == 200, r.text
    problem = await refused(api, cancel(api, card, lost()), 409, "card_superseded", "REP-3")
    assert ref in problem["detail_en"]
