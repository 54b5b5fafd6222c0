"""Loss and unlock through the HTTP API (SPEC LOSS-1..5, CH-2)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sscard.clock import ManualClock
from tests.support.api import Api


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
