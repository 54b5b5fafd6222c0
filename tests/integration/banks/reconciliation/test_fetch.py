"""The statement fetched from the bank over real HTTP (signed both ways), the daily job, the CLI."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bank_simulator import store
from bank_simulator.app import Simulator, create_app
from bank_simulator.clock import AdjustableClock
from bank_simulator.config import BankConfig, SimConfig
from bank_simulator.db import transaction
from sscard.banks.protocol import Topic
from sscard.banks.reconciliation.service import reconcile_due
from sscard.kernel.actor import OPERATOR, Actor, Role
from sscard.kernel.clock import ManualClock, SystemClock
from sscard.kernel.errors import Forbidden
from sscard.kernel.masking import mask_account
from sscard.kernel.runtime import save_clock_offset
from tests.integration.banks.reconciliation.support import (
    ACCOUNT,
    RUNS,
    SECRET,
    StatementServer,
    card_row,
    open_account,
    serving,
    set_card,
    set_statement_endpoint,
    statement,
)
from tests.support.api import Api
from tests.support.bank_sim import message, signed_batch
from tests.support.serving import sscard_cli


async def latest_run(api: Api) -> dict[str, Any]:
    run: dict[str, Any] = (await api.get(RUNS, "admin")).json()["items"][0]
    return run


async def test_the_statement_is_fetched_from_the_bank_signed_both_ways(
    api: Api, clock: ManualClock
) -> None:
    """SPEC LOSS-2 through the bank's API: a signed GET, a signed answer, the mirror follows."""
    n = (await api.card())["card_number"]
    await open_account(api, n, ACCOUNT, "active")
    bank = StatementServer(clock.now)
    bank.body = statement((n, ACCOUNT, "lost"))
    bank.as_of = clock.now() - timedelta(minutes=1)
    await set_card(api, n, updated_at=bank.as_of - timedelta(minutes=1))
    async with serving(bank) as url:
        await set_statement_endpoint(api, "ICBC", url)
        r = await api.post(RUNS, "admin", {"source": "api"})

    assert r.status_code == 201, r.text
    run = r.json()
    assert (run["source"], run["status"], run["bank_rows"], run["repaired"]) == (
        "api",
        "finished",
        1,
        1,
    )
    assert datetime.fromisoformat(run["as_of"]) == bank.as_of
    assert r.headers["location"] == f"/api/v1/reconciliations/{run['id']}"
    assert (bank.requests, bank.refused) == (1, 0)
    assert (await card_row(api, n))["financial_status"] == "lost"


async def test_the_simulated_bank_s_statement_brings_back_an_account_whose_report_was_lost(
    api: Api, clock: ManualClock, tmp_path: Path
) -> None:
    """SPEC ISS-2 with the bank simulator over real HTTP: the bank opened and activated the
    account, its report never arrived; reconciliation records the account and the mirror."""
    n = (await api.card())["card_number"]
    secret = bytes.fromhex("33" * 32)
    config = SimConfig(
        sscard_url="http://127.0.0.1:9",
        banks={"ICBC": BankConfig(secret_hex=secret.hex(), token="t")},
        send_reports=False,
    )
    sim_clock = AdjustableClock(clock.now() - SystemClock().now())  # the tests' moment
    simulator = await Simulator.open(config, str(tmp_path / "sim.db"), clock=sim_clock)
    try:
        async with serving(create_app(simulator)) as url:
            base = url.removesuffix("/statement")
            async with httpx.AsyncClient(base_url=base) as bank:
                m = message(Topic.ACCOUNT_REQUESTED, n, 1, {"card_number": n}, sim_clock.now())
                body, headers = signed_batch(secret, sim_clock.now(), [m])
                opened = await bank.post("/banks/ICBC/webhook", content=body, headers=headers)
                assert opened.status_code == 200, opened.text
                r = await bank.post(f"/banks/ICBC/teller/cards/{n}/activate", json={})
                assert r.status_code == 200, r.text
            async with transaction(simulator.engine, readonly=True) as conn:
                # Sealed in the simulator's store (issue 11): its statement reads it back.
                rows = await store.statement_rows(conn, simulator.vault, "ICBC")
                account = next(number for card, number, _ in rows if card == n)
            await set_statement_endpoint(api, "ICBC", f"{base}/banks/ICBC/statement", secret)
            r = await api.post(RUNS, "admin", {"source": "api"})
    finally:
        await simulator.close()

    assert r.status_code == 201, r.text
    assert [(k["kind"], k["repair"]) for k in r.json()["by_kind"]] == [
        ("account_missing_in_registry", "repaired")
    ]
    card = await card_row(api, n)
    assert card["financial_status"] == "active"
    assert card["account_index"] == api.rt.vault.index(account)
    assert card["account_masked"] == mask_account(account)


async def test_a_statement_with_a_wrong_signature_is_refused(api: Api, clock: ManualClock) -> None:
    """Nothing in an answer the bank did not sign is believed; the failed run is recorded."""
    n = (await api.card())["card_number"]
    await open_account(api, n, ACCOUNT, "active")
    bank = StatementServer(clock.now)
    bank.body = statement((n, ACCOUNT, "closed"))
    bank.sign_with = bytes(32)
    async with serving(bank) as url:
        await set_statement_endpoint(api, "ICBC", url)
        r = await api.post(RUNS, "admin", {"source": "api"})

    assert r.status_code == 502, r.text
    assert (r.json()["code"], r.json()["field"]) == ("statement_signature_refused", "signature")
    assert r.json()["detail_en"]
    assert (await card_row(api, n))["financial_status"] == "active"
    run = await latest_run(api)
    assert (run["status"], run["source"]) == ("failed", "api")
    assert run["error"].startswith("statement_signature_refused")
    assert await api.count("reconciliation_differences") == 0


@pytest.mark.parametrize("fault", ["wrong_request_secret", "down", "no_server"])
async def test_a_bank_that_cannot_answer_fails_the_run(
    api: Api, clock: ManualClock, fault: str
) -> None:
    bank = StatementServer(clock.now)
    bank.down = fault == "down"
    async with serving(bank) as url:
        secret = bytes(32) if fault == "wrong_request_secret" else SECRET
        await set_statement_endpoint(
            api, "ICBC", "http://127.0.0.1:9/statement" if fault == "no_server" else url, secret
        )
        r = await api.post(RUNS, "admin", {"source": "api"})

    assert r.status_code == 502, r.text
    assert r.json()["code"] == "statement_unavailable"
    assert bank.refused == (1 if fault == "wrong_request_secret" else 0)
    assert (await latest_run(api))["status"] == "failed"


async def test_the_daily_job_runs_once_a_day_per_bank(api: Api, clock: ManualClock) -> None:
    """From 02:00 Beijing time each bank with a statement address is reconciled once a day."""
    await api.card()
    bank = StatementServer(clock.now)
    async with serving(bank) as url:
        await set_statement_endpoint(api, "ICBC", url)

        first = await reconcile_due(api.rt, OPERATOR)  # Monday 10:00 Beijing
        again = await reconcile_due(api.rt, OPERATOR)
        clock.set(datetime(2026, 11, 23, 17, 59, tzinfo=UTC))  # Tuesday 01:59 Beijing
        too_early = await reconcile_due(api.rt, OPERATOR)
        clock.set(datetime(2026, 11, 23, 18, 0, tzinfo=UTC))  # Tuesday 02:00 Beijing
        next_day = await reconcile_due(api.rt, OPERATOR)
        later_hour = await reconcile_due(api.rt, OPERATOR, hour=5)

    assert [(r["bank_code"], r["status"], r["source"]) for r in first] == [
        ("ICBC", "finished", "api")
    ]
    assert again == []
    assert too_early == []
    assert [r["status"] for r in next_day] == ["finished"]
    assert later_hour == []  # 05:00 has not come yet
    assert bank.requests == 2
    listed = (await api.get(RUNS, "admin")).json()["items"]
    assert [r["id"] for r in listed] == [next_day[0]["id"], first[0]["id"]]


async def test_two_workers_at_once_make_one_run(api: Api, clock: ManualClock) -> None:
    """Several workers call the daily job together: the bank's claim lets one run."""
    bank = StatementServer(clock.now)
    async with serving(bank) as url:
        await set_statement_endpoint(api, "ICBC", url)
        answers = await asyncio.gather(*(reconcile_due(api.rt, OPERATOR) for _ in range(4)))

    assert sorted(len(a) for a in answers) == [0, 0, 0, 1]
    assert bank.requests == 1
    assert await api.count("reconciliation_runs") == 1


async def test_a_failed_daily_run_is_tried_again_later(api: Api, clock: ManualClock) -> None:
    bank = StatementServer(clock.now)
    bank.down = True
    async with serving(bank) as url:
        await set_statement_endpoint(api, "ICBC", url)

        [failed] = await reconcile_due(api.rt, OPERATOR)
        soon = await reconcile_due(api.rt, OPERATOR)
        bank.down = False
        clock.advance(timedelta(minutes=31))
        [retried] = await reconcile_due(api.rt, OPERATOR)

    assert (failed["status"], failed["error"].split(":")[0]) == ("failed", "statement_unavailable")
    assert soon == []
    assert retried["status"] == "finished"


async def test_the_daily_job_is_the_centres(api: Api) -> None:
    clerk = Actor(id=None, role=Role.OUTLET_CLERK, display_name="clerk")
    with pytest.raises(Forbidden):
        await reconcile_due(api.rt, clerk)


# ---- the command line ----


async def sscard(api: Api, tmp_path: Path, *args: str, ok: bool = True) -> Any:
    return await sscard_cli(api, tmp_path, *args, ok=ok)


async def test_the_cli_reconciles_a_file_lists_runs_and_runs_the_daily_job(
    api: Api, clock: ManualClock, tmp_path: Path
) -> None:
    n = (await api.card())["card_number"]
    async with api.rt.unit(OPERATOR) as ctx:
        await save_clock_offset(ctx.conn, clock.now() - SystemClock().now())
    path = tmp_path / "icbc.csv"
    path.write_bytes(statement((n, ACCOUNT, "active")))

    run = await sscard(api, tmp_path, "banks", "reconcile", "ICBC", "--file", str(path))
    assert (run["source"], run["status"], run["repaired"]) == ("file", "finished", 1)
    assert (await card_row(api, n))["account_index"] == api.rt.vault.index(ACCOUNT)

    path.write_bytes(statement((n, "12", "active")))
    refused = await sscard(
        api, tmp_path, "banks", "reconcile", "icbc", "--file", str(path), ok=False
    )
    assert refused["code"] == "statement_refused"
    assert refused["message"].startswith("Statement line 2 is invalid")

    listed = await sscard(api, tmp_path, "banks", "reconciliations", "ICBC")
    assert [r["status"] for r in listed["items"]] == ["failed", "finished"]

    clock.advance(timedelta(days=1))  # today's run is done: the daily job waits for tomorrow
    async with api.rt.unit(OPERATOR) as ctx:
        await save_clock_offset(ctx.conn, clock.now() - SystemClock().now())
    bank = StatementServer(clock.now)
    async with serving(bank) as url:
        await set_statement_endpoint(api, "ICBC", url)
        daily = await sscard(api, tmp_path, "banks", "reconcile", "--due")
    assert [(r["bank_code"], r["source"]) for r in daily] == [("ICBC", "api")]

    report = await sscard(api, tmp_path, "banks", "reconciliation", str(run["id"]), "--csv")
    assert report.decode().splitlines()[1].startswith(f"{n},account_missing_in_registry,ISS-2")


@pytest.mark.parametrize(
    ("body", "field"),
    [({"source": "file"}, "source"), ({"source": "api", "as_of": "yesterday"}, "as_of")],
)
async def test_a_wrong_request_names_its_own_field(
    api: Api, body: dict[str, str], field: str
) -> None:
    """`as_of` belongs in the query: the body naming it is refused on as_of, not on source."""
    r = await api.post("/api/v1/banks/ICBC/reconciliations", "admin", body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
