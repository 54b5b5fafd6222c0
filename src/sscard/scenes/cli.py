"""`sscard scenes`: the places that accept the card and their terminals (SPEC SCN-1)."""

from __future__ import annotations

from typing import Any

import typer

from sscard.kernel.actor import OPERATOR
from sscard.kernel.runtime import Runtime
from sscard.platform.commands import echo_json, run_with_runtime
from sscard.scenes import service as scenes

app = typer.Typer(
    help="Scenes: hospitals, scenic spots, libraries, halls, transit operators, top-up kiosks, "
    "NFC apps",
    no_args_is_help=True,
)


@app.command("register")
def register(
    code: str = typer.Argument(help="the scene's code, 6-20 capitals or digits"),
    name: str = typer.Option(..., help="its name"),
    kind: str = typer.Option(
        ...,
        help="hospital, pharmacy, scenic_spot, museum, library, government_hall, hotel, "
        "transit, top_up_kiosk, nfc_app",
    ),
    city: str = typer.Option(..., help="its city's code, e.g. 3201"),
    area: str | None = typer.Option(
        None,
        "--area-code",
        help="its county-level area within the city (a fare zone), e.g. 320413 Jintan",
    ),
) -> None:
    """Register a scene of a city: a hospital, a transit operator, a top-up kiosk, an NFC app..."""
    new = scenes.NewScene(code, name, kind, city, area or None)

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR) as ctx:
            return await scenes.register_scene(ctx, new)

    echo_json(run_with_runtime(work))


@app.command("terminal")
def terminal(
    code: str = typer.Argument(help="the scene's code"),
    terminal_code: str = typer.Argument(help="the scene's own name for the terminal"),
    language: str = typer.Option("zh", help="zh or en: the language of its refusals"),
) -> None:
    """Register a terminal of a scene; prints its token and signing key, once."""

    async def work(rt: Runtime) -> dict[str, Any]:
        async with rt.unit(OPERATOR) as ctx:
            return await scenes.register_terminal(ctx, code, terminal_code, language)

    echo_json(run_with_runtime(work))


@app.command("list")
def list_scenes() -> None:
    """Every scene with its count of active terminals."""

    async def work(rt: Runtime) -> list[dict[str, Any]]:
        async with rt.unit(OPERATOR) as ctx:
            return await scenes.list_scenes(ctx)

    echo_json(run_with_runtime(work))
