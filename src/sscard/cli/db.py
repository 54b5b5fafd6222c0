"""`sscard db`: schema migrations."""

from __future__ import annotations

import typer

from sscard.config import Settings
from sscard.platform.migrate import upgrade

app = typer.Typer(help="Database schema", no_args_is_help=True)


@app.command()
def migrate(revision: str = typer.Argument("head")) -> None:
    """Upgrade the database schema to the given revision (default: the newest)."""
    upgrade(Settings.from_env().database_url, revision)
    typer.echo(f"database at {revision}")
