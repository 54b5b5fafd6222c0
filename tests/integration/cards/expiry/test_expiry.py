"""The 10-year financial validity: the list to remind and the reminders (SPEC ISS-7)."""

from __future__ import annotations

from datetime import timedelta

from sscard.kernel.clock import ManualClock
from tests.support.api import Api


async def test_expiring_cards_are_listed_and_reminded_once(api: Api, clock: ManualClock) -> None:
    """SPEC ISS-7: holders approaching 10 years are listed and reminded, once each."""
    card = await api.card()
    assert (await api.get("/api/v1/cards/expiring", "admin")).json()["items"] == []

    clock.advance(timedelta(days=3653 - 60))  # 60 days before the 10 years end
    listed = (await api.get("/api/v1/cards/expiring", "admin")).json()["items"]
    assert [c["card_number"] for c in listed] == [card["card_number"]]
    assert listed[0]["expired"] is False

    first = await api.post("/api/v1/cards/expiry-reminders", "admin")
    again = await api.post("/api/v1/cards/expiry-reminders", "admin")
    assert (first.json(), again.json()) == ({"queued": 1}, {"queued": 0})
    r = await api.get(f"/api/v1/notifications?person_id={card['person_id']}", "admin")
    assert [n["template"] for n in r.json()["items"]] == ["expiry_exchange_reminder"]
    assert (await api.post("/api/v1/cards/expiry-reminders", "clerk_instant")).status_code == 403


async def test_past_ten_years_only_card_present_payment_stops(api: Api, clock: ManualClock) -> None:
    """SPEC ISS-7: hr, medical and transport go on; payment with the card is refused."""
    card = await api.card()
    clock.advance(timedelta(days=3653 + 1))
    path = f"/api/v1/cards/{card['card_number']}/may-use"
    answers = {
        use: (await api.get(f"{path}?use={use}", "admin")).json()
        for use in ("payment", "medical", "transport", "hr_service")
    }
    assert answers["payment"]["code"] == "financial_expired"
    assert answers["payment"]["rule"] == "ISS-7"
    assert all(answers[u]["allowed"] for u in ("medical", "transport", "hr_service"))
    listed = (await api.get("/api/v1/cards/expiring", "admin")).json()["items"]
    assert listed[0]["expired"] is True
