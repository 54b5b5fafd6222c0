"""The bank's financial mirror: only the card's own bank reports it, by the financial table
(SPEC ISS-2, LOSS-2)."""

from __future__ import annotations

from tests.support.api import Api
from tests.support.bank_reports import bank_report, connect


async def test_bank_reports_its_financial_function_for_its_own_cards(api: Api) -> None:
    """SPEC ISS-2: the bank's account number comes back masked; another bank sees nothing. The
    bank's word arrives signed and sequenced only (issue 11: an unsigned route beside the inbox
    let a bank token set `closed` on any of its cards)."""
    card = await api.card()
    n = card["card_number"]
    r = await bank_report(api, n, "bank_icbc", {"event": "account_opened"})
    assert r.status_code == 422
    assert r.json()["field"] == "account_number"
    r = await bank_report(api, n, "bank_szb", {"event": "closed"})
    assert r.status_code == 404
    r = await bank_report(api, n, "clerk_instant", {"event": "closed"})
    assert r.status_code == 403

    r = await bank_report(
        api,
        n,
        "bank_icbc",
        {"event": "account_opened", "account_number": "6222020000001234"},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["card"]["financial_status"], r.json()["card"]["account"]) == (
        "account_opened",
        "6222********1234",
    )
    assert "6222020000001234" not in r.text
    r = await bank_report(api, n, "bank_icbc", {"event": "loss_lifted"})
    assert r.status_code == 409
    assert r.json()["code"] == "financial_transition_refused"
    await bank_report(api, n, "bank_icbc", {"event": "activated"})
    await bank_report(api, n, "bank_icbc", {"event": "reported_lost"})
    r = await bank_report(api, n, "bank_icbc", {"event": "loss_lifted"})
    assert r.json()["card"]["financial_status"] == "active"
    assert (await api.card_state(n))["hr_status"] == "active"  # the bank's loss is its own


async def test_there_is_no_unsigned_way_to_set_the_financial_status(api: Api) -> None:
    """Issue 11: `POST /cards/{n}/financial-status` with a bank token alone set `closed`."""
    card = await api.card()
    n = card["card_number"]
    r = await api.post(f"/api/v1/cards/{n}/financial-status", "bank_icbc", {"event": "closed"})
    assert r.status_code in (404, 405), r.text
    assert (await api.card_state(n))["financial_status"] != "closed"
    await connect(api, "ICBC")
    unsigned = await api.call(
        "POST",
        "/api/v1/bank-reports",
        "bank_icbc",
        json={
            "message_id": "x-1",
            "card_number": n,
            "sequence": 1,
            "type": "account_closed",
            "occurred_at": "2026-11-23T10:00:00+08:00",
        },
    )
    assert (unsigned.status_code, unsigned.json()["code"]) == (401, "signature_refused")
