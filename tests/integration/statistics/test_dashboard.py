"""The card centre's figures (SPEC GOV-6) after a known set of changes, on SQLite and PostgreSQL:
counted in the transaction of each change, scoped to a city's centre, refused to other roles,
and the same when counted again from what is stored (the migration's backfill)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from sscard.kernel.clock import ManualClock
from tests.integration.payments.test_batches import active_card, line, payer, submit
from tests.support.api import Api

DASHBOARD = "/api/v1/statistics/dashboard"


async def known_changes(api: Api) -> dict[str, Any]:
    """Cards issued in two cities and three banks, applications through two channels, a
    temporary loss and its unlock, a formal loss, an open and a withdrawn application."""
    changzhou_icbc = await api.card("clerk_instant", "ICBC")  # Changzhou, HR outlet, instant
    await api.card("clerk_instant", "BOC")
    await api.card("clerk_suzhou_szb", "SZB", city_code="3205")  # Suzhou, SZB's own outlet
    n = changzhou_icbc["card_number"]
    await api.present_holder(n, "hotline")
    r = await api.post(f"/api/v1/cards/{n}/temporary-loss", "hotline", {"reason": "丢失"})
    assert r.status_code == 200, r.text
    r = await api.card_post(n, "unlock", "hotline")
    assert r.status_code == 200, r.text
    szb = await api.card("clerk_suzhou_szb", "SZB", city_code="3205")
    r = await api.card_post(szb["card_number"], "formal-loss", "clerk_suzhou_szb")
    assert r.status_code == 200, r.text
    waiting = await api.applied("clerk_fast")  # Changzhou, fast making: stays accepted
    withdrawn = await api.applied("clerk_fast", bank="CCB")
    r = await api.post(
        f"/api/v1/applications/{withdrawn['reference']}/withdraw",
        "admin",
        {"reason": "applicant_request"},
    )
    assert r.status_code == 200, r.text
    return {"waiting": waiting}


def counts(entries: list[dict[str, Any]]) -> dict[Any, int]:
    return {e["key"]: e["n"] for e in entries}


async def dashboard(api: Api, as_: str = "admin", **query: Any) -> dict[str, Any]:
    r = await api.get(DASHBOARD, as_, params=query)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_the_figures_follow_each_change_in_its_transaction(api: Api) -> None:
    """SPEC GOV-6: cards issued by city, generation and bank; applications by channel and
    state; losses and unlocks; overdue work."""
    await known_changes(api)
    body = await dashboard(api)

    issued = body["issued"]
    assert issued["total"] == 4
    assert all(type(e["n"]) is int for e in issued["by_bank"] + issued["over_time"])
    assert counts(issued["by_city"]) == {"3204": 2, "3205": 2}
    assert counts(issued["by_bank"]) == {"BOC": 1, "ICBC": 1, "SZB": 2}
    assert counts(issued["by_generation"]) == {3: 4}
    assert issued["over_time"][-1] == {"start": "2026-11-23", "n": 4}
    assert len(issued["over_time"]) == 30
    assert body["since"] == "2026-10-25"

    losses = body["losses"]
    expected = {"temporary_loss": 1, "formal_loss": 1, "unlock": 1, "loss_lifted": 0}
    assert losses["totals"] == expected
    assert losses["over_time"][-1]["unlock"] == 1

    apps = body["applications"]
    assert counts(apps["accepted"]) == {"bank_outlet": 2, "hr_outlet": 4}  # every kind, APP-2
    assert counts(apps["collected"]) == {"bank_outlet": 2, "hr_outlet": 2}
    assert counts(apps["withdrawn"]) == {"hr_outlet": 1}
    assert apps["open"] == [{"status": "accepted", "channel": "hr_outlet", "n": 1}]
    assert body["overdue"] == []
    assert body["deliveries"] is not None
    waiting = {d["bank_code"]: d["pending"] for d in body["deliveries"]}
    assert waiting["SZB"] >= 2
    assert waiting["ICBC"] >= 1


async def test_work_past_its_due_date_is_overdue(api: Api, clock: ManualClock) -> None:
    """SPEC APP-7: an application not at the outlet after its due date counts as overdue."""
    await api.applied("clerk_fast")
    clock.advance(timedelta(days=30))
    body = await dashboard(api)
    assert body["overdue"] == [{"city_code": "3204", "overdue": 1, "due_unknown": 0}]
    assert body["issued"]["total"] == 0  # nothing made in the 30 days that end today


async def test_a_city_centre_sees_its_own_city_only(api: Api) -> None:
    """SPEC GOV-6, CH-1 (issue 11): a city's administrator is shown its city's figures, and
    asking for another city is refused."""
    await known_changes(api)
    body = await dashboard(api, "admin_suzhou")
    assert body["city_code"] == "3205"
    assert counts(body["issued"]["by_city"]) == {"3205": 2}
    assert body["losses"]["totals"]["formal_loss"] == 1
    assert body["losses"]["totals"]["temporary_loss"] == 0
    assert body["applications"]["open"] == []
    assert body["deliveries"] is None  # the outbox is the province's

    r = await api.get(DASHBOARD, "admin_suzhou", params={"city": "3204"})
    assert r.status_code == 403
    assert r.json()["code"] == "outside_your_city"

    province = await dashboard(api, "admin", city="3204")
    assert counts(province["issued"]["by_city"]) == {"3204": 2}


@pytest.mark.parametrize("as_", ["clerk_instant", "hotline", "auditor", "bank_icbc"])
async def test_other_roles_are_refused(api: Api, as_: str) -> None:
    """SPEC CH-1: the statistics are the card centres'."""
    r = await api.get(DASHBOARD, as_)
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"


async def test_a_period_not_offered_and_an_unknown_city_are_refused(api: Api) -> None:
    r = await api.get(DASHBOARD, "admin", params={"days": 31})
    assert r.status_code == 422
    assert r.json()["code"] == "period_not_offered"
    r = await api.get(DASHBOARD, "admin", params={"city": "9999"})
    assert r.status_code == 404


async def test_a_year_is_counted_by_month(api: Api) -> None:
    await api.card("clerk_instant", "ICBC")
    body = await dashboard(api, days=365)
    assert body["bucket"] == "month"
    assert body["issued"]["over_time"][0]["start"] == "2025-11-01"
    assert body["issued"]["over_time"][-1] == {"start": "2026-11-01", "n": 1}


async def test_counting_again_from_what_is_stored_gives_the_same_figures(
    api: Api, clock: ManualClock
) -> None:
    """The migration's backfill and POST /statistics/rebuild count from the cards, the
    applications and the history what the subscribers counted change by change."""
    await known_changes(api)
    clock.advance(timedelta(days=9))  # the remaining temporary loss lifts in the sweep
    card = await api.card("clerk_instant", "ICBC")
    await api.present_holder(card["card_number"], "hotline")
    await api.post(f"/api/v1/cards/{card['card_number']}/temporary-loss", "hotline")
    clock.advance(timedelta(days=8))
    r = await api.post("/api/v1/cards/sweep-temporary-losses", "admin")
    assert r.json() == {"lifted": 1}
    counted = await dashboard(api)
    assert counted["losses"]["totals"]["loss_lifted"] == 1

    r = await api.post("/api/v1/statistics/rebuild", "admin_suzhou")
    assert r.status_code == 403
    r = await api.post("/api/v1/statistics/rebuild", "admin")
    assert r.status_code == 200, r.text
    assert r.json()["counters"] > 0
    recounted = await dashboard(api)
    assert recounted["issued"] == counted["issued"]
    assert recounted["applications"] == counted["applications"]
    assert recounted["losses"]["totals"] == counted["losses"]["totals"]


async def test_today_counts_at_once_and_yesterday_stays_counted_after_midnight(
    api: Api, clock: ManualClock
) -> None:
    """SPEC GOV-6: the sums of days gone by are kept between views (their counters no longer
    change); what happens today shows at the next view, and stays counted once it is
    yesterday's."""
    assert (await dashboard(api))["issued"]["total"] == 0  # the days before today now kept
    await api.card("clerk_instant", "ICBC")
    assert (await dashboard(api))["issued"]["total"] == 1
    await api.card("clerk_instant", "BOC")
    today = await dashboard(api)
    assert today["issued"]["total"] == 2
    clock.advance(timedelta(days=1))
    after = await dashboard(api)
    assert after["issued"]["total"] == 2
    assert counts(after["issued"]["by_bank"]) == {"BOC": 1, "ICBC": 1}
    assert after["issued"]["over_time"][-2] == {"start": "2026-11-23", "n": 2}
    assert counts(after["applications"]["accepted"]) == {"hr_outlet": 2}


async def test_benefit_payments_are_counted_for_the_province(api: Api) -> None:
    """SPEC PAY-3, GOV-6: benefit payments by kind, paid and held, for the province; a city's
    administrator gets none (a payment is not a city's)."""
    who = await payer(api)
    paid = await active_card(api)
    waiting = await api.card()
    r = await submit(api, who, [line(paid["document"]["number"], 10_000),
                                line(waiting["document"]["number"], 2_500)])  # fmt: skip
    assert r.status_code == 201, r.text
    figures = (await api.get(DASHBOARD, "admin")).json()
    [pension] = figures["benefit_payments"]
    assert (pension["kind"], pension["held"], pension["held_fen"]) == ("pension", 1, 2_500)
    assert (await api.get(DASHBOARD, "admin_suzhou")).json()["benefit_payments"] is None
