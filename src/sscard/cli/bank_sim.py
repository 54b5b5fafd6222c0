"""`sscard bank-sim: a simulated cooperating bank`."""

from __future__ import annotations

import typer

app = typer.Typer(help="sscard bank-sim: a simulated cooperating bank", no_args_is_help=True)
