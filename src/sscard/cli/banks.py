"""`sscard banks: reconciliation and bank set-up`."""

from __future__ import annotations

import typer

app = typer.Typer(help="sscard banks: reconciliation and bank set-up", no_args_is_help=True)
