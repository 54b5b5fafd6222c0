"""The simulator's command line: `python -m delta_simulator serve --config var/delta-sim.json
--port 8710` (or --fd N, an inherited listening socket, as devstack starts it)."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import typer

app = typer.Typer(help="Simulated Yangtze River Delta card nodes for sscard", no_args_is_help=True)


@app.callback()
def private_files() -> None:
    """Simulated Yangtze River Delta card nodes for sscard."""
    os.umask(0o077)


@app.command()
def serve(
    config: Path = typer.Option(
        Path("var/delta-sim.json"), help="JSON: sscard_url, provinces.{code}.token, secret_hex"
    ),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8710, min=1, max=65535),
    fd: int | None = typer.Option(None, help="serve on this inherited listening socket"),
    seed: int = typer.Option(2022, help="the generated cards' seed"),
    cards: int = typer.Option(200, min=1, max=100_000, help="cards per province"),
    log: Path | None = typer.Option(None, help="append what sscard sent here (JSON lines)"),
) -> None:
    """Serve the three simulated provinces' nodes."""
    import uvicorn

    from delta_simulator.app import Simulator, create_app

    loaded = json.loads(config.read_text("utf-8"))
    sim = Simulator.from_config(loaded, seed, cards, log)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(sim),
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
    )
    server.run(sockets=[socket.socket(fileno=fd)] if fd is not None else None)


def main() -> None:
    app()
