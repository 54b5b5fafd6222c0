"""The working calendar as data: an unknown year is reported, never guessed; a loaded year
settles waiting applications (SPEC APP-2, §17)."""

from __future__ import annotations

from datetime import UTC, datetime

from sscard.kernel.clock import ManualClock
from tests.support.api import Api


async def test_unknown_calendar_year_is_reported_not_guessed(api: Api, clock: ManualClock) -> None:
    """§17: 5 working days from 28 Dec 2026 reach into 2027, which is not loaded."""
    clock.set(datetime(2026, 12, 28, 2, 0, tzinfo=UTC))
    app = await api.applied("clerk_fast")
    assert app["due_date"] is None
    assert app["due_waits_for_calendar_year"] == 2027
    waiting = await api.get("/api/v1/applications", "admin", params={"due_unknown": "true"})
    assert [a["reference"] for a in waiting.json()["items"]] == [app["reference"]]

    r = await api.call(
        "PUT",
        "/api/v1/calendar/years/2027",
        "admin",
        {
            "holidays": [{"day": "2027-01-01", "name": "元旦"}],
            "adjusted_workdays": [],
            "source": "test notice",
        },
    )

    assert r.status_code == 200, r.text
    assert r.json()["applications_given_due_dates"] == 1
    # Working days after Mon 28 Dec: 29, 30, 31 Dec, (1 Jan holiday), Mon 4, Tue 5 Jan.
    got = await api.get(f"/api/v1/applications/{app['reference']}", "admin")
    assert got.json()["due_date"] == "2027-01-05"
    assert got.json()["due_waits_for_calendar_year"] is None


async def test_a_loaded_year_settles_every_waiting_group_by_its_own_day(
    api: Api, clock: ManualClock
) -> None:
    """§17, APP-2: applications accepted on different days, each counted from its own day in
    one settlement (Changzhou: 5 working days)."""
    clock.set(datetime(2026, 12, 28, 2, 0, tzinfo=UTC))
    monday = await api.applied("clerk_fast")
    clock.set(datetime(2026, 12, 30, 2, 0, tzinfo=UTC))
    wednesday = await api.applied("clerk_fast")
    assert monday["due_date"] is wednesday["due_date"] is None
    year = {"holidays": [{"day": "2027-01-01", "name": "元旦"}], "source": "test notice"}
    r = await api.call("PUT", "/api/v1/calendar/years/2027", "admin", year)
    assert r.json()["applications_given_due_dates"] == 2
    due = {
        a["reference"]: (await api.get(f"/api/v1/applications/{a['reference']}", "admin")).json()
        for a in (monday, wednesday)
    }
    # From Wed 30 Dec: 31 Dec, (1 Jan holiday), 4, 5, 6, 7 Jan.
    assert due[monday["reference"]]["due_date"] == "2027-01-05"
    assert due[wednesday["reference"]]["due_date"] == "2027-01-07"


async def test_calendar_year_with_weekday_as_adjusted_workday_refused(api: Api) -> None:
    r = await api.call(
        "PUT",
        "/api/v1/calendar/years/2027",
        "admin",
        {
            "holidays": [],
            "adjusted_workdays": [{"day": "2027-01-06", "name": "x"}],
            "source": "s",
        },
    )
    assert r.status_code == 422
    assert r.json()["field"] == "adjusted_workdays.0.day"
    years = (await api.get("/api/v1/calendar/years", "admin")).json()
    assert 2027 not in [y["year"] for y in years]


async def test_shipped_calendar_covers_2004_to_2026(api: Api) -> None:
    years = [y["year"] for y in (await api.get("/api/v1/calendar/years", "admin")).json()]
    assert years[0] == 2004
    assert years[-1] == 2026
