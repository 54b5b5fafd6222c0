"""`sscard data`: reference data and demo data."""

from __future__ import annotations

from pathlib import Path

import typer

from sscard.kernel.actor import OPERATOR
from sscard.kernel.config import Settings
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


@app.command("load-demo")
def load_demo(
    persons: int = typer.Option(20, min=1, max=10_000),
    seed: int = typer.Option(2026),
    tokens_file: Path | None = typer.Option(
        None, help="[default: $SSCARD_VAR_DIR/demo-tokens.json]"
    ),
) -> None:
    """Generated persons (never real data) with photos and applications, plus demo actors."""
    import json

    from sscard.demo import load_demo as load
    from sscard.kernel.crypto import write_secret

    tokens_file = tokens_file or Settings.from_env().var_dir / "demo-tokens.json"
    result = run_with_runtime(lambda rt: load(rt, persons=persons, seed=seed))
    write_secret(tokens_file, json.dumps(result.tokens, indent=2))
    echo_json({"persons": result.persons, "applications": result.applications[:10]})
    typer.echo(f"demo tokens: {tokens_file}")
