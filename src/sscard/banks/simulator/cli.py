"""`sscard bank-sim`: a simulated cooperating bank, its own process over real HTTP.

sscard bank-sim --config var/bank-sim.json --host 127.0.0.1 --port 8700 --db var/bank-sim.db
sscard bank-sim statement --bank ICBC --db var/bank-sim.db > icbc.csv
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import typer

app = typer.Typer(
    help="sscard bank-sim: a simulated cooperating bank (serves when no command is given)",
    invoke_without_command=True,
)


@app.callback()
def serve(
    ctx: typer.Context,
    config: Path = typer.Option(
        Path("var/bank-sim.json"), help="JSON: sscard_url, banks.{code}.secret_hex and token"
    ),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8700, min=1, max=65535),
    db: str = typer.Option("var/bank-sim.db", help="the simulator's own SQLite file (or a URL)"),
    log_level: str = typer.Option("info", help="debug, info, warning, error"),
    nats_url: str | None = typer.Option(
        None, envvar="SSCARD_NATS_URL", help="broker, when the config says transport nats"
    ),
) -> None:
    """Serve the simulated banks' webhooks, tellers and statements, and call sscard back."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from sscard.banks.simulator.app import create_app
    from sscard.banks.simulator.config import load_config

    try:
        settings = load_config(config)  # a bad file stops here, before the port opens
    except (OSError, ValueError) as bad:  # pydantic's ValidationError is a ValueError
        typer.echo(f"bank-sim: cannot use {config}: {bad}", err=True)
        raise typer.Exit(2) from None
    if nats_url:
        settings = settings.model_copy(update={"nats_url": nats_url})
    if "://" not in db:
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s %(message)s")
    uvicorn.run(
        create_app(config=settings, db=db),
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
    )


@app.command("statement")
def statement_file(
    bank: str = typer.Option(..., help="bank code, e.g. ICBC"),
    db: str = typer.Option("var/bank-sim.db", help="the simulator's SQLite file (or a URL)"),
) -> None:
    """Write the bank's statement CSV (card_number,account_number,financial_status) to stdout."""
    from sscard.banks.simulator import store
    from sscard.banks.simulator.statement import statement

    if "://" not in db and not Path(db).exists():
        typer.echo(f"bank-sim: no simulator database at {db}", err=True)
        raise typer.Exit(2)

    async def work() -> bytes:
        engine = await store.open_store(db)
        try:
            return await statement(engine, bank)
        finally:
            await engine.dispose()

    sys.stdout.buffer.write(asyncio.run(work()))
    sys.stdout.flush()
