"""Loss and unlock through the HTTP API (SPEC LOSS-1..5, CH-2)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sscard.kernel.clock import ManualClock
from tests.support.api import Api
from tests.support.bank_reports import bank_report


async def _card(api: Api, path: str) -> dict[str, Any]:
    r = await api.get(f"/api/v1/cards/{path}", "admin")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def _history(api: Api, card: dict[str, Any]) -> list[dict[str, Any]]:
    r = await api.get(f"/api/v1/cards/{card['card_number']}/history", "admin")
    assert r.status_code == 200, r.text
    rows: list[dict[str, Any]] = r.json()
    return rows


async def test_temporary_loss_lifts_after_seven_days_without_any_job(
    api: Api, clock: ManualClock
) -> None:
    """SPEC LOSS-1: hotline only, lasts 7 days, the state read is right before any sweep."""
    card = await api.card()
    n = card["card_number"]

    await api.present_holder(n, "hotline")
    r = await api.post(f"/api/v1/cards/{n}/temporary-loss", "hotline", {"reason": "丢失"})
    assert r.status_code == 200, r.text
    assert r.json()["hr_status"] == "temporarily_lost"
    assert r.json()["loss"]["channel"] == "hotline"

    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    assert (await _card(api, n))["hr_status"] == "temporarily_lost"
    clock.advance(timedelta(seconds=1))
    assert (await _card(api, n))["hr_status"] == "active"
    r = await api.get(f"/api/v1/cards/{n}/may-use?use=medical", "admin")
    assert r.json()["allowed"] is True


async def test_sweep_records_the_lift_at_the_moment_it_happened(
    api: Api, clock: ManualClock
) -> None:
    """SPEC LOSS-1 / CH-2: the sweep writes the lift into the history, dated at day 7."""
    card = await api.card()
    n = card["card_number"]
    await api.present_holder(n, "hotline")
    await api.post(f"/api/v1/cards/{n}/temporary-loss", "hotline")
    clock.advance(timedelta(days=9))

    r = await api.post("/api/v1/cards/sweep-temporary-losses", "admin")
    assert r.status_code == 200, r.text
    assert r.json() == {"lifted": 1}
    again = await api.post("/api/v1/cards/sweep-temporary-losses", "admin")
    assert again.json() == {"lifted": 0}
    events = [(h["event"], h["channel"]) for h in await _history(api, card)]
    assert events[-2:] == [("report_temporary_loss", "hotline"), ("lift_temporary_loss", "sweep")]
    assert (await _card(api, n))["hr_status"] == "active"


async def test_temporary_loss_only_through_the_hotline(api: Api) -> None:
    """SPEC LOSS-1: a clerk, the bank or the holder cannot take a temporary loss."""
    card = await api.card()
    n = card["card_number"]
    holder = await api.cardholder(card["person_id"])
    for who in ("clerk_instant", "clerk_nanjing_bank", "bank_icbc", holder, "admin"):
        r = await api.card_post(n, "temporary-loss", who)
        assert r.status_code == 403, (who, r.text)
    assert (await api.card_state(n))["hr_status"] == "active"


async def test_temporary_loss_unlocked_by_hotline_or_the_cards_bank(api: Api) -> None:
    """SPEC LOSS-3: unlock of a temporary loss by 12333 or any outlet of the card's bank."""
    card = await api.card()
    n = card["card_number"]
    await api.card_post(n, "temporary-loss", "hotline")
    r = await api.card_post(n, "unlock", "clerk_nanjing_bank")  # ICBC, another city
    assert r.status_code == 200, r.text
    assert r.json()["hr_status"] == "active"
    await api.card_post(n, "temporary-loss", "hotline")
    r = await api.card_post(n, "unlock", "clerk_suzhou_szb")  # another bank
    assert r.status_code == 403
    assert r.json()["code"] == "not_the_cards_bank"
    r = await api.card_post(n, "unlock", "hotline")
    assert r.status_code == 200, r.text


async def test_formal_loss_at_the_bank_covers_both_functions(api: Api) -> None:
    """SPEC LOSS-2: at an outlet of the card's bank, hr and financial together; bank told."""
    card = await api.card()
    n = card["card_number"]
    r = await bank_report(
        api,
        n,
        "bank_icbc",
        {"event": "account_opened", "account_number": "6222020000001234"},
    )
    assert r.status_code == 200, r.text
    await bank_report(api, n, "bank_icbc", {"event": "activated"})

    r = await api.card_post(n, "formal-loss", "clerk_suzhou_szb")
    assert r.status_code == 403
    assert r.json()["code"] == "not_the_cards_bank"
    r = await api.card_post(n, "formal-loss", "clerk_instant")  # an HR outlet does not offer it
    assert r.status_code == 403
    r = await api.card_post(n, "formal-loss", "clerk_nanjing_bank", {"reason": "遗失"})

    assert r.status_code == 200, r.text
    assert (r.json()["hr_status"], r.json()["financial_status"]) == ("formally_lost", "lost")
    assert r.json()["reminder"] is None


async def test_online_formal_loss_is_hr_only_with_the_bank_reminder(api: Api) -> None:
    """SPEC LOSS-2: online by the holder, hr function only, reminded to report at the bank."""
    card = await api.card()
    holder = await api.cardholder(card["person_id"])
    r = await api.card_post(card["card_number"], "formal-loss", holder)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["hr_status"] == "formally_lost"
    assert body["financial_status"] == "account_requested"
    assert await api.count("notifications") == 1  # the reminder also goes out by SMS
    assert "银行" in body["reminder"]["zh"]
    assert "bank" in body["reminder"]["en"]


async def test_formal_unlock_by_the_channel_that_took_it(api: Api) -> None:
    """SPEC LOSS-3: online loss unlocked online; a bank loss at the bank, not by the hotline."""
    card = await api.card()
    n = card["card_number"]
    holder = await api.cardholder(card["person_id"])
    await api.card_post(n, "formal-loss", holder)
    for who in ("hotline", "clerk_nanjing_bank"):
        r = await api.card_post(n, "unlock", who)
        assert r.status_code == 403, r.text
        assert r.json()["rule"] == "LOSS-3"
    assert (await api.card_post(n, "unlock", holder)).status_code == 200

    await api.card_post(n, "formal-loss", "clerk_nanjing_bank")
    assert (await api.card_post(n, "unlock", holder)).status_code == 403
    assert (await api.card_post(n, "unlock", "hotline")).status_code == 403
    r = await api.card_post(n, "unlock", "clerk_nanjing_bank2")  # Nanjing: any ICBC outlet
    assert r.status_code == 200, r.text


async def test_suzhou_policy_keeps_formal_unlock_at_the_accepting_outlet(api: Api) -> None:
    """SPEC LOSS-3 / CITY-3: Suzhou's policy restricts the unlock to the outlet that took it."""
    card = await api.card("clerk_suzhou_icbc", "ICBC", city_code="3205")
    n = card["card_number"]

    await api.card_post(n, "formal-loss", "clerk_suzhou_icbc")
    r = await api.card_post(n, "unlock", "clerk_nanjing_bank")  # ICBC too, another outlet
    assert r.status_code == 403
    assert r.json()["code"] == "unlock_by_taking_channel"
    assert (await api.card_post(n, "unlock", "clerk_suzhou_icbc")).status_code == 200


async def test_no_unlock_once_a_replacement_is_applied_for(api: Api) -> None:
    """SPEC LOSS-4: the replacement kills the old card; unlock is refused."""
    card = await api.card()
    n = card["card_number"]
    await api.card_post(n, "formal-loss", "clerk_nanjing_bank")
    r = await api.card_post(n, "replacement", "clerk_instant", {})
    assert r.status_code == 201, r.text

    r = await api.card_post(n, "unlock", "clerk_nanjing_bank")
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "card_transition_refused"
    assert (await api.card_state(n))["hr_status"] == "superseded"


async def test_every_use_refused_while_lost(api: Api) -> None:
    """SPEC LOSS-5: one may-use answer; no for every use while the card is in any loss."""
    card = await api.card()
    n = card["card_number"]
    uses = ["medical", "hr_service", "payment", "transport", "scene_entry", "ecard"]
    for use in uses:
        r = await api.get(f"/api/v1/cards/{n}/may-use?use={use}", "bank_icbc")
        assert r.json()["allowed"] is True, r.text
    await api.card_post(n, "temporary-loss", "hotline")
    for use in uses:
        r = await api.get(f"/api/v1/cards/{n}/may-use?use={use}", "admin")
        assert (r.json()["allowed"], r.json()["code"], r.json()["rule"]) == (
            False,
            "card_lost",
            "LOSS-5",
        )
    r = await api.get(f"/api/v1/cards/{n}/may-use?use=flying", "admin")
    assert r.status_code == 422
