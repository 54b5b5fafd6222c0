"""The simulator's command line: `python -m bank_simulator` (or `bank-sim`).

bank-sim serve --config var/bank-sim.json --port 8700 --db var/bank-sim.db   (or --fd N)
bank-sim statement --bank ICBC --db var/bank-sim.db > icbc.csv

The database holds personal data, sealed with the key in `<db>.key` (or --key-file); every file
the simulator makes is its user's alone (0600).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from pathlib import Path

import typer

from bank_simulator.identity import NONCE_ENV

app = typer.Typer(help="A simulated cooperating bank for sscard", no_args_is_help=True)
KEY_FILE_HELP = "its data key (hex) [default: <db>.key beside a SQLite file]"
# New files private to the user (0600, folders 0700): the database and its log, the key.
PRIVATE_UMASK = 0o077


@app.callback()
def private_files() -> None:
    """A simulated cooperating bank for sscard."""
    os.umask(PRIVATE_UMASK)


@app.command()
def serve(
    config: Path = typer.Option(
        Path("var/bank-sim.json"), help="JSON: sscard_url, banks.{code}.secret_hex and token"
    ),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8700, min=1, max=65535),
    fd: int | None = typer.Option(
        None, help="serve on this inherited listening socket instead of binding host and port"
    ),
    db: str = typer.Option("var/bank-sim.db", help="its own SQLite file (or a database URL)"),
    log_level: str = typer.Option("info", help="debug, info, warning, error"),
    nats_url: str | None = typer.Option(None, help="the broker, instead of the config's"),
    key_file: Path | None = typer.Option(None, help=KEY_FILE_HELP),
) -> None:
    """Serve the simulated banks' webhooks, tellers and statements, and call sscard back.

    With BANK_SIM_INSTANCE_NONCE in the environment it can prove it is that instance
    (POST /control/identity).
    """
    import uvicorn

    from bank_simulator.app import create_app
    from bank_simulator.config import load_config
    from bank_simulator.sealing import key_file_for

    try:
        settings = load_config(config)  # a bad file stops here, before the port opens
    except (OSError, ValueError) as bad:  # pydantic's ValidationError is a ValueError
        typer.echo(f"bank-sim: cannot use {config}: {bad}", err=True)
        raise typer.Exit(2) from None
    try:
        key_file = key_file or key_file_for(db)
    except ValueError as bad:
        typer.echo(f"bank-sim: {bad}", err=True)
        raise typer.Exit(2) from None
    if nats_url:
        settings = settings.model_copy(update={"nats_url": nats_url})
    if "://" not in db:
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    nonce = os.environ.pop(NONCE_ENV, None)
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s %(message)s")
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config=settings, db=db, instance_nonce=nonce, key_file=key_file),
            host=host,
            port=port,
            log_level=log_level,
            access_log=False,
        )
    )
    # socket(fileno=) reads the family from the descriptor (uvicorn's own --fd assumes a UNIX one).
    server.run(sockets=[socket.socket(fileno=fd)] if fd is not None else None)


@app.command("statement")
def statement_file(
    bank: str = typer.Option(..., help="bank code, e.g. ICBC"),
    db: str = typer.Option("var/bank-sim.db", help="the simulator's SQLite file (or a URL)"),
    key_file: Path | None = typer.Option(None, help=KEY_FILE_HELP),
) -> None:
    """Write the bank's statement CSV (card_number,account_number,financial_status) to stdout."""
    from bank_simulator import store
    from bank_simulator.sealing import Vault, key_file_for, load_key
    from bank_simulator.statement import statement

    if "://" not in db and not Path(db).exists():
        typer.echo(f"bank-sim: no simulator database at {db}", err=True)
        raise typer.Exit(2)
    try:
        vault = Vault(load_key(key_file or key_file_for(db), create=False))
    except (OSError, ValueError) as bad:
        typer.echo(f"bank-sim: cannot read the data key: {bad}", err=True)
        raise typer.Exit(2) from None

    async def work() -> bytes:
        engine = await store.open_store(db, vault)
        try:
            return await statement(engine, vault, bank)
        finally:
            await engine.dispose()

    sys.stdout.buffer.write(asyncio.run(work()))
    sys.stdout.flush()


def main() -> None:
    app(prog_name="bank-sim")
