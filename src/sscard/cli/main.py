"""The operator's command line: `sscard --help`."""

from __future__ import annotations

import logging
from pathlib import Path

import typer

from sscard.cli.common import echo_json, run_with_runtime
from sscard.config import Settings

app = typer.Typer(
    help="sscard: back office of the Jiangsu social security card", no_args_is_help=True
)


@app.command()
def setup(
    admin_token_file: Path | None = typer.Option(
        None,
        help="first administrator token file [default: $SSCARD_VAR_DIR/admin.token]",
    ),
) -> None:
    """Migrate the database, load reference data and the holiday calendar, create an admin."""
    from sscard.setup import set_up

    admin_token_file = admin_token_file or Settings.from_env().var_dir / "admin.token"

    counts = run_with_runtime(lambda rt: set_up(rt, admin_token_file=admin_token_file))
    echo_json(counts)
    if admin_token_file.exists():
        typer.echo(f"administrator token: {admin_token_file}")


@app.command()
def serve(
    host: str | None = typer.Option(None, help="default SSCARD_HOST or 127.0.0.1"),
    port: int | None = typer.Option(None, help="default SSCARD_PORT or 8000"),
    workers: int | None = typer.Option(None, help="default SSCARD_WORKERS or 1"),
) -> None:
    """Start the HTTP service (API, OpenAPI at /docs)."""
    import uvicorn

    settings = Settings.from_env()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )
    uvicorn.run(
        "sscard.http.server:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        access_log=settings.access_log,
        log_level=settings.log_level,
    )


@app.command("link-simulator")
def link_simulator_command(
    sim_url: str = typer.Option(..., help="the bank simulator's base URL (http://127.0.0.1:PORT)"),
    transport: str = typer.Option("http", help="delivery to the simulated banks: http | nats"),
    config: Path | None = typer.Option(
        None, help="the simulator's config file [default: $SSCARD_VAR_DIR/bank-sim.json]"
    ),
) -> None:
    """Point every bank's endpoint at the simulator and write its config (tokens, secrets)."""
    from sscard.banks.protocol import Transport
    from sscard.banks.simulator_link import link_simulator

    settings = Settings.from_env()
    path = config or settings.var_dir / "bank-sim.json"
    sscard_url = f"http://{settings.host}:{settings.port}"
    echo_json(
        run_with_runtime(
            lambda rt: link_simulator(rt, path, sim_url, sscard_url, Transport(transport))
        )
    )


@app.command()
def worker() -> None:
    """Run the background jobs alone (delivery to banks, 7-day sweep, SMS, daily reconciliation)."""
    import asyncio
    import signal

    from sscard.runtime import Runtime
    from sscard.worker import run_worker

    settings = Settings.from_env()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )

    async def main() -> None:
        rt = Runtime(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await run_worker(rt, stop)
        finally:
            await rt.dispose()

    asyncio.run(main())


def _register_groups() -> None:
    from sscard.cli import (
        banks,
        calendar,
        cards,
        data,
        db,
        delivery,
        notifications,
        tokens,
    )

    app.add_typer(db.app, name="db")
    app.add_typer(data.app, name="data")
    app.add_typer(calendar.app, name="calendar")
    app.add_typer(cards.app, name="cards")
    app.add_typer(tokens.app, name="token")
    app.add_typer(notifications.app, name="notifications")
    app.add_typer(delivery.app, name="outbox")
    app.add_typer(banks.app, name="banks")


_register_groups()


def main() -> None:
    app()
