"""`sscard delta`: the Yangtze River Delta exchange's links and what crossed (SPEC YRD-1..3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from sscard.delta import service as delta
from sscard.delta.simulator_link import link_simulator
from sscard.kernel.actor import OPERATOR
from sscard.kernel.runtime import Runtime
from sscard.platform.commands import echo_json, run_with_runtime

app = typer.Typer(
    help="The Yangtze River Delta exchange: other provinces' nodes", no_args_is_help=True
)


@app.command("link")
def link(
    province: str = typer.Argument(help="the province's GB/T 2260 code: 31, 33 or 34"),
    url: str = typer.Option(..., help="where sscard asks its node, e.g. https://yrd.sh.example"),
    renew: bool = typer.Option(False, help="a new token and key; the old ones stop working"),
) -> None:
    """Link another province's node; prints its token and key once (first link or renewal)."""

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR) as ctx:
            return await delta.link_node(ctx, province, url, renew)

    echo_json(run_with_runtime(work))


@app.command("overview")
def overview(days: int = typer.Option(30, help="how many days back, 1-366")) -> None:
    """The linked nodes and the questions both ways, counted."""

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR) as ctx:
            return await delta.overview(ctx, days)

    echo_json(run_with_runtime(work))


@app.command("link-simulator")
def link_simulator_command(
    config: Path = typer.Option(..., help="the delta simulator's configuration file (0600)"),
    sim_url: str = typer.Option(..., help="the simulator's base URL"),
    sscard_url: str = typer.Option(..., help="this service's base URL, as the simulator sees it"),
) -> None:
    """Link the three simulated provinces' nodes to the delta simulator (make run does)."""

    async def work(rt: Runtime) -> dict[str, Any]:
        return await link_simulator(rt, config, sim_url, sscard_url)

    echo_json(run_with_runtime(work))
