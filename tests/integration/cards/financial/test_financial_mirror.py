"""The bank's financial mirror: only the card's own bank reports it, by the financial table
(SPEC ISS-2, LOSS-2)."""

from __future__ import annotations

from tests.support.api import Api


async def test_bank_reports_its_financial_function_for_its_own_cards(api: Api) -> None:
    """SPEC ISS-2: the bank's account number comes back masked; another bank sees nothing."""
    card = await api.card()
    n = card["card_number"]
    r = await api.card_post(n, "financial-status", "bank_icbc", {"event": "account_opened"})
    assert r.status_code == 422
    assert r.json()["field"] == "account_number"
    r = await api.card_post(n, "financial-status", "bank_szb", {"event": "closed"})
    assert r.status_code == 404
    r = await api.card_post(n, "financial-status", "clerk_instant", {"event": "closed"})
    assert r.status_code == 403

    r = await api.card_post(
        n,
        "financial-status",
        "bank_icbc",
        {"event": "account_opened", "account_number": "6222020000001234"},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["financial_status"], r.json()["account"]) == (
        "account_opened",
        "6222********1234",
    )
    assert "6222020000001234" not in r.text
    r = await api.card_post(n, "financial-status", "bank_icbc", {"event": "loss_lifted"})
    assert r.status_code == 409
    assert r.json()["code"] == "financial_transition_refused"
    await api.card_post(n, "financial-status", "bank_icbc", {"event": "activated"})
    await api.card_post(n, "financial-status", "bank_icbc", {"event": "reported_lost"})
    r = await api.card_post(n, "financial-status", "bank_icbc", {"event": "loss_lifted"})
    assert r.json()["financial_status"] == "active"
    assert (await api.card_state(n))["hr_status"] == "active"  # the bank's loss is its own
