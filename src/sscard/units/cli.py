"""`sscard units`: the unit channel for the operator (issue 13; SPEC APP-3). Units and agents
are registered at an outlet's counter (a clerk's act); the operator lists them, writes the
registration form template and runs the waiting batches at once."""

from __future__ import annotations

from pathlib import Path

import typer

from sscard.kernel.actor import OPERATOR
from sscard.kernel.runtime import Runtime
from sscard.platform.commands import echo_json, run_with_runtime
from sscard.units import service

app = typer.Typer(
    help="Units (employers, schools) and their batch applications", no_args_is_help=True
)


@app.command("list")
def list_units(limit: int = typer.Option(100, min=1, max=500)) -> None:
    """Registered units with their outlet (no personal data)."""

    async def work(rt: Runtime) -> list[dict[str, object]]:
        async with rt.unit(OPERATOR, readonly=True) as ctx:
            items, _ = await service.list_units(ctx, 0, limit)
            return items

    echo_json(run_with_runtime(work))


@app.command("show")
def show(
    credit_code: str = typer.Argument(..., help="the unit's unified social credit code"),
) -> None:
    """A unit with its agents (masked) and its latest batches."""

    async def work(rt: Runtime) -> dict[str, object]:
        async with rt.unit(OPERATOR, readonly=True) as ctx:
            unit = await service.view_unit(ctx, credit_code)
            batches, _ = await service.batches_of_unit(ctx, credit_code, 0, 20)
            return {**unit, "batches": batches}

    echo_json(run_with_runtime(work))


@app.command("template")
def template(out: Path = typer.Option(..., "--out", help="where to write the .xlsx")) -> None:
    """Write the registration form 江苏省社会保障卡申领登记表 (.xlsx) the portal offers."""
    out.write_bytes(service.registration_form())
    echo_json({"written": str(out)})


@app.command("process-batches")
def process_batches() -> None:
    """Judge every batch waiting for the worker now (the worker does it every 2 seconds)."""

    async def work(rt: Runtime) -> list[str]:
        done: list[str] = []
        while True:
            async with rt.unit(OPERATOR) as ctx:
                reference = await service.process_waiting(ctx)
            if reference is None:
                return done
            done.append(reference)

    echo_json({"processed": run_with_runtime(work)})
