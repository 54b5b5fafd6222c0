"""`sscard payments`: payers, their batches and the statistics (SPEC PAY-1..3, GOV-6)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from sscard.kernel.actor import OPERATOR
from sscard.kernel.runtime import Runtime
from sscard.payments import files
from sscard.payments import service as payments
from sscard.platform.commands import echo_json, run_with_runtime

app = typer.Typer(help="Benefit payments: payers, batches, statistics", no_args_is_help=True)


@app.command("register-payer")
def register_payer(
    code: str = typer.Argument(help="the payer's code, e.g. JS-PENSION"),
    name_zh: str = typer.Option(..., help="its Chinese name"),
    name_en: str = typer.Option(..., help="its English name"),
    kind: list[str] = typer.Option(..., help="a kind it pays (repeat): pension, subsidy..."),
    renew: bool = typer.Option(False, help="a new token; the old one stops working"),
) -> None:
    """Register or change a payer system; prints its token once (first time or renewal)."""

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR) as ctx:
            return await payments.register_payer(ctx, code, name_zh, name_en, kind, renew)

    echo_json(run_with_runtime(work))


@app.command("submit")
def submit(
    file: Path = typer.Argument(help="the batch file: CSV or .xlsx with its header line"),
    payer: str = typer.Option(..., help="the payer's code"),
    reference: str = typer.Option(..., help="the payer's batch reference"),
) -> None:
    """Submit a payer's batch file (as the centre); prints the batch's report."""
    parsed = files.read_batch_file(file.read_bytes())

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR) as ctx:
            return await payments.submit_batch(
                ctx, payer, reference, parsed.lines, "file", parsed.problems
            )

    echo_json(run_with_runtime(work))


@app.command("report")
def report(batch_id: int = typer.Argument(help="the batch's id")) -> None:
    """A batch's counts and sums by outcome and reason."""

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR, readonly=True) as ctx:
            return await payments.batch_report(ctx, batch_id)

    echo_json(run_with_runtime(work))


@app.command("statistics")
def statistics(
    since: str = typer.Option(..., help="ISO date (Beijing)"),
    until: str = typer.Option(..., help="ISO date (Beijing), not included"),
) -> None:
    """Payments by kind and outcome, and the instructions banks have not answered."""
    start: datetime = payments.moment(since, "since")
    end: datetime = payments.moment(until, "until")

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR, readonly=True) as ctx:
            return await payments.statistics(ctx, start, end)

    echo_json(run_with_runtime(work))
