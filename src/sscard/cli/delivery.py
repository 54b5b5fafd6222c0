"""`sscard outbox / endpoints: delivery to banks`."""

from __future__ import annotations

import typer

app = typer.Typer(help="sscard outbox / endpoints: delivery to banks", no_args_is_help=True)
