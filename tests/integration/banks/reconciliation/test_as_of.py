"""`as_of` is a zoned ISO 8601 moment, and only a CSV statement takes one (issue 11, ISS-2)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sscard.kernel.clock import ManualClock
from tests.integration.banks.reconciliation.support import RUNS, statement
from tests.support.api import Api


@pytest.mark.parametrize(
    "as_of", ["7", "1700000000", "2026-11-24", "2026-11-24T02:00:00", "yesterday", ""]
)
async def test_a_csv_statements_as_of_must_be_a_zoned_iso_8601_moment(api: Api, as_of: str) -> None:
    """`7` was read as 1970-01-01T00:00:07Z; a moment without its zone is ambiguous."""
    runs = await api.count("reconciliation_runs")
    r = await api.post(
        RUNS,
        "admin",
        content=statement(),
        headers={"Content-Type": "text/csv"},
        params={"as_of": as_of},
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == "as_of"
    assert await api.count("reconciliation_runs") == runs


async def test_a_zoned_as_of_is_the_moment_of_the_csv_statement(
    api: Api, clock: ManualClock
) -> None:
    moment = (clock.now() - timedelta(hours=1)).astimezone().isoformat()
    r = await api.post(
        RUNS,
        "admin",
        content=statement(),
        headers={"Content-Type": "text/csv"},
        params={"as_of": moment},
    )
    assert r.status_code == 201, r.text
    assert r.json()["as_of"].startswith((clock.now() - timedelta(hours=1)).isoformat()[:16])


async def test_as_of_is_refused_beside_a_fetched_statement(api: Api) -> None:
    """A statement from the bank's API says its own moment: as_of would be ignored in silence."""
    r = await api.post(RUNS, "admin", {"source": "api"}, params={"as_of": "7"})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "as_of"
    moment = "2026-11-23T08:00:00+08:00"
    r = await api.post(RUNS, "admin", {"source": "api"}, params={"as_of": moment})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "as_of"
    assert r.json()["detail_en"].endswith(
        "applies only to a text/csv statement; a fetched statement gives its own"
    )
    assert await api.count("reconciliation_runs") == 0
