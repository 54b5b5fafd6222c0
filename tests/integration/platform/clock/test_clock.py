"""The one clock: moved from outside only in adjustable (demo/test) mode."""

from __future__ import annotations

from tests.support.api import Api


async def test_clock_moves_only_in_adjustable_mode(api: Api) -> None:
    r = await api.post("/api/v1/clock/advance", "admin", {"days": 1})
    assert r.status_code == 409
    assert r.json()["code"] == "clock_not_adjustable"
    now = (await api.get("/api/v1/clock", "admin")).json()
    assert now["business_date"] == "2026-11-23"
