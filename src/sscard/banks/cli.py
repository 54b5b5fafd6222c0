"""`sscard banks`: reconciliation with the banks (SPEC ISS-2, LOSS-2, CAN-3, REP-3)."""

from __future__ import annotations

import csv
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from sscard.banks.reconciliation import service as reconciliation
from sscard.banks.reconciliation.rules import DAILY_HOUR, Kind, Repair
from sscard.banks.reconciliation.service import REPORT_COLUMNS
from sscard.banks.reconciliation.statement import Source, Statement
from sscard.banks.simulator_link import link_simulator
from sscard.kernel.actor import OPERATOR
from sscard.kernel.config import Settings
from sscard.kernel.db import MAX_ID
from sscard.kernel.runtime import Runtime
from sscard.platform.commands import echo_json, run_with_runtime
from sscard.platform.outbox.protocol import Transport

app = typer.Typer(help="sscard banks: reconciliation and bank set-up", no_args_is_help=True)


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise typer.BadParameter("ISO 8601 with a time zone, e.g. 2026-11-23T02:00:00+08:00")
    return moment


@app.command("reconcile")
def reconcile(
    bank_code: str | None = typer.Argument(None, help="the bank's code, e.g. ICBC"),
    file: Path | None = typer.Option(
        None,
        "--file",
        exists=True,
        dir_okay=False,
        readable=True,
        help="a statement CSV; without it the statement is fetched from the bank's statement_url",
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="the moment the file describes, ISO 8601 with zone [default: now]"
    ),
    due: bool = typer.Option(
        False, "--due", help="the daily job: every bank with a statement_url not yet done today"
    ),
    hour: int = typer.Option(
        DAILY_HOUR, min=0, max=23, help="with --due: the Beijing hour the day's run is due from"
    ),
) -> None:
    """Reconcile card and account status with a bank, report every difference, repair by rule."""
    moment = _moment(as_of)
    if due:
        if bank_code or file:
            raise typer.BadParameter("--due takes no bank code and no file")
        echo_json(
            run_with_runtime(lambda rt: reconciliation.reconcile_due(rt, OPERATOR, hour=hour))
        )
        return
    if not bank_code:
        raise typer.BadParameter("give a bank code, or --due")
    code = bank_code.strip().upper()

    async def work(rt: Runtime) -> dict[str, Any]:
        if file is None:
            return await reconciliation.reconcile(rt, OPERATOR, code)
        with file.open("rb") as stream:
            statement = Statement(stream, moment, Source.FILE)
            return await reconciliation.reconcile(rt, OPERATOR, code, statement)

    echo_json(run_with_runtime(work))


@app.command("reconciliations")
def reconciliations(
    bank_code: str = typer.Argument(..., help="the bank's code, e.g. ICBC"),
    before: int = typer.Option(0, min=0, max=MAX_ID, help="cursor from the previous page"),
    limit: int = typer.Option(50, min=1, max=500),
) -> None:
    """The bank's reconciliation runs, newest first."""
    code = bank_code.strip().upper()

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR, readonly=True) as ctx:
            return await reconciliation.list_runs(ctx, code, before, limit)

    echo_json(run_with_runtime(work))


@app.command("reconciliation")
def show(
    run_id: int = typer.Argument(..., min=1, max=MAX_ID, help="the run's id"),
    kind: Kind | None = typer.Option(None, help="only differences of this kind"),
    repair: Repair | None = typer.Option(None, help="only differences with this repair"),
    as_csv: bool = typer.Option(False, "--csv", help="every difference as CSV on stdout"),
) -> None:
    """One run: its counts and differences (JSON, first 100; or all of them as CSV)."""

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR, readonly=True) as ctx:
            return await reconciliation.report(ctx, run_id, kind, repair, 0, 100)

    async def every(rt: Runtime) -> None:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(REPORT_COLUMNS)
        after: int | None = 0
        while after is not None:
            async with rt.unit(OPERATOR, readonly=True) as ctx:
                page = await reconciliation.differences(ctx, run_id, kind, repair, after, 1000)
            out.writerows([item[c] for c in REPORT_COLUMNS] for item in page["items"])
            after = page["next_after"]

    if as_csv:
        run_with_runtime(every)
    else:
        echo_json(run_with_runtime(work))


@app.command("link-simulator")
def link_simulator_command(
    sim_url: str = typer.Option(..., help="the bank simulator's base URL (http://127.0.0.1:PORT)"),
    transport: str = typer.Option("http", help="delivery to the simulated banks: http | nats"),
    config: Path | None = typer.Option(
        None, help="the simulator's config file [default: $SSCARD_VAR_DIR/bank-sim.json]"
    ),
) -> None:
    """Point every bank's endpoint at the simulator and write its config (tokens, secrets)."""
    settings = Settings.from_env()
    path = config or settings.var_dir / "bank-sim.json"
    sscard_url = f"http://{settings.host}:{settings.port}"
    echo_json(
        run_with_runtime(
            lambda rt: link_simulator(rt, path, sim_url, sscard_url, Transport(transport))
        )
    )
