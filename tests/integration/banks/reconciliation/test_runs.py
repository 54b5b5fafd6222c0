"""Reconciliation runs: bad statements refused whole, roles, one run at a time, the report."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import insert

from sscard.banks.reconciliation.models import reconciliation_runs
from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import ManualClock
from tests.integration.banks.reconciliation.support import (
    ACCOUNT,
    RUNS,
    card_row,
    open_account,
    reconciled,
    statement,
    upload,
)
from tests.support.api import Api


async def snapshot(api: Api) -> dict[str, int]:
    tables = ("reconciliation_lines", "reconciliation_differences")
    return {**await api.counts(), **{t: await api.count(t) for t in tables}}


async def test_a_bad_statement_is_refused_whole_with_each_line_number(api: Api) -> None:
    """Every bad line is named (zh and en); the good lines before them change nothing."""
    n = (await api.card())["card_number"]
    before = await snapshot(api)
    body = (
        statement(
            (n, ACCOUNT, "active"),  # line 2: fine, and would be repaired
            ("A1234567", ACCOUNT, "active"),  # line 3: seven digits
            ("A00000009", "62220200", "active"),  # line 4: an account too short
            ("A00000010", ACCOUNT, "frozen"),  # line 5: not a financial status
        )
        + b"A00000011,6222020000001111\n"  # line 6: two columns
    )

    r = await upload(api, body)

    assert r.status_code == 422, r.text
    problem = r.json()
    assert (problem["code"], problem["field"], problem["error_count"]) == (
        "statement_refused",
        "card_number",
        4,
    )
    assert "第3行" in problem["detail_zh"]
    assert "line 3" in problem["detail_en"]
    assert [(e["line"], e["field"]) for e in problem["errors"]] == [
        (3, "card_number"),
        (4, "account_number"),
        (5, "financial_status"),
        (6, "line"),
    ]
    assert all(e["reason_zh"] and e["reason_en"] for e in problem["errors"])
    assert "62220200" not in r.text  # an account number is never echoed
    assert await snapshot(api) == before
    assert (await card_row(api, n))["financial_status"] == "account_requested"
    [run] = (await api.get(RUNS, "admin")).json()["items"]
    assert run["status"] == "failed"
    assert run["error"].startswith("statement_refused: ")
    assert run["finished_at"] is not None


@pytest.mark.parametrize(
    ("body", "line", "field"),
    [
        (b"card,account,status\nA00000001,6222020000001234,active\n", 1, "header"),
        (b"", 1, "header"),
        (statement()[:-1] + b"\nA00000001,\xff\xfe,active\n", 2, "encoding"),
        (statement(("A00000001", ACCOUNT, "active"), ("A00000001", ACCOUNT, "lost")), 3, None),
    ],
    ids=["header", "empty", "not-utf8", "listed-twice"],
)
async def test_statement_problems_name_their_line(
    api: Api, body: bytes, line: int, field: str | None
) -> None:
    r = await upload(api, body)

    assert r.status_code == 422, r.text
    assert r.json()["code"] == "statement_refused"
    first = r.json()["errors"][0]
    assert first["line"] == line
    assert first["field"] == (field or "card_number")
    assert await api.count("reconciliation_lines") == 0


async def test_a_card_listed_twice_in_different_chunks_is_refused(api: Api) -> None:
    """The staged lines catch a card listed again thousands of lines later."""
    lines = [(f"Y{i:08d}", ACCOUNT, "active") for i in range(5002)]
    lines.append(("Y00000007", ACCOUNT, "active"))  # line 5004

    r = await upload(api, statement(*lines))

    assert r.status_code == 422, r.text
    assert [(e["line"], e["field"]) for e in r.json()["errors"]] == [(5004, "card_number")]
    assert await api.count("reconciliation_lines") == 0
    assert await api.count("reconciliation_differences") == 0


@pytest.mark.parametrize(
    ("who", "method", "path"),
    [
        ("clerk_instant", "POST", RUNS),
        ("hotline", "POST", RUNS),
        ("bank_icbc", "POST", RUNS),
        ("bank_icbc", "GET", RUNS),
        ("clerk_instant", "GET", RUNS),
        ("bank_icbc", "GET", "/api/v1/reconciliations/{run}"),
        ("hotline", "GET", "/api/v1/reconciliations/{run}/differences.csv"),
    ],
)
async def test_only_the_centre_reconciles_and_reads_reports(
    api: Api, who: str, method: str, path: str
) -> None:
    """SPEC CH-1: RECONCILE_BANK and VIEW_RECONCILIATION are the centre's."""
    run = await reconciled(api)
    url = path.format(run=run["id"])
    headers = {"Content-Type": "text/csv"}

    r = await api.call(method, url, who, content=statement(), headers=headers)

    assert r.status_code == 403, r.text
    assert (r.json()["code"], r.json()["rule"]) == ("forbidden", "CH-1")
    assert await api.count("reconciliation_runs") == 1


async def test_requests_that_cannot_start_a_run(api: Api, clock: ManualClock) -> None:
    r = await upload(api, statement(), bank="NOPE")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    r = await api.post(RUNS, "admin", {"source": "api"})
    assert (r.status_code, r.json()["code"]) == (409, "no_statement_url")
    r = await api.post(RUNS, "admin", {"source": "file"})
    assert (r.status_code, r.json()["field"]) == (422, "source")
    r = await api.post(RUNS, "admin", content=b"x", headers={"Content-Type": "text/plain"})
    assert (r.status_code, r.json()["code"]) == (415, "unsupported_media_type")
    r = await upload(api, statement(), as_of=clock.now() + timedelta(hours=1))
    assert (r.status_code, r.json()["field"]) == (422, "as_of")
    r = await api.post(
        RUNS,
        "admin",
        content=statement(),
        headers={"Content-Type": "text/csv"},
        params={"as_of": "2026-11-23T10:00:00"},
    )
    assert (r.status_code, r.json()["field"]) == (422, "as_of")
    assert await api.count("reconciliation_runs") == 0


async def test_one_run_per_bank_at_a_time(api: Api, clock: ManualClock) -> None:
    """A run still running refuses another; one abandoned for hours is failed and replaced."""
    async with api.rt.unit(OPERATOR) as ctx:
        await ctx.conn.execute(
            insert(reconciliation_runs).values(
                bank_code="ICBC",
                source="file",
                as_of=ctx.now,
                status="running",
                bank_rows=0,
                registry_rows=0,
                differences=0,
                repaired=0,
                started_at=ctx.now,
            )
        )

    r = await upload(api, statement())
    assert (r.status_code, r.json()["code"]) == (409, "reconciliation_running")
    assert (await upload(api, statement(), bank="SZB")).status_code == 201

    clock.advance(timedelta(hours=7))
    r = await upload(api, statement())
    assert r.status_code == 201, r.text
    statuses = [
        (run["status"], run["error"]) for run in (await api.get(RUNS, "admin")).json()["items"]
    ]
    assert statuses == [("finished", None), ("failed", "interrupted")]


async def test_runs_are_listed_newest_first_and_the_report_downloads_as_csv(api: Api) -> None:
    n = (await api.card())["card_number"]
    await open_account(api, n, ACCOUNT, "active")
    first = await reconciled(api, (n, ACCOUNT, "lost"))
    second = await reconciled(api, ("Z99999999", ACCOUNT, "active"), (n, ACCOUNT, "lost"))

    page = (await api.get(RUNS, "admin", params={"limit": 1})).json()
    assert [r["id"] for r in page["items"]] == [second["id"]]
    older = (await api.get(RUNS, "admin", params={"before": page["next_before"]})).json()
    assert [r["id"] for r in older["items"]] == [first["id"]]
    assert older["next_before"] is None

    r = await api.get(f"/api/v1/reconciliations/{second['id']}/differences.csv", "admin")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert [(row["card_number"], row["kind"], row["repair"]) for row in rows] == [
        ("Z99999999", "unknown_card_at_bank", "manual")
    ]
    assert rows[0]["kind_zh"]
    r = await api.get(
        f"/api/v1/reconciliations/{first['id']}/differences.csv",
        "admin",
        params={"kind": "unknown_card_at_bank"},
    )
    assert r.text.lstrip("\ufeff").splitlines()[1:] == []
    r = await api.get("/api/v1/reconciliations/999999", "admin")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
