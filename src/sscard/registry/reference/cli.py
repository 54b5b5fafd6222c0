"""`sscard data load-reference`: the shipped reference data (SPEC CITY-1..3, GOV-1/2)."""

from __future__ import annotations

import typer

from sscard.kernel.actor import OPERATOR
from sscard.kernel.runtime import Runtime
from sscard.platform.commands import echo_json, run_with_runtime
from sscard.registry.reference.loading import load_reference_data

app = typer.Typer(help="Reference and demo data", no_args_is_help=True)


@app.command("load-reference")
def load_reference(
    overwrite: bool = typer.Option(False, help="overwrite rows an administrator has edited"),
) -> None:
    """Load the shipped cities, banks, outlets, hotlines and city policies."""

    async def work(rt: Runtime) -> dict[str, int]:
        async with rt.unit(OPERATOR) as ctx:
            return await load_reference_data(ctx.conn, overwrite=overwrite)

    echo_json(run_with_runtime(work))
