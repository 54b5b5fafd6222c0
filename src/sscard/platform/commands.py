"""Helpers every command group uses."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer

from sscard.kernel.config import Settings
from sscard.kernel.runtime import Runtime

T = TypeVar("T")


def run_with_runtime(work: Callable[[Runtime], Awaitable[T]]) -> T:
    """Run one async job against the configured database, then close the engine."""

    async def main() -> T:
        rt = Runtime(Settings.from_env())
        try:
            return await work(rt)
        finally:
            await rt.dispose()

    return asyncio.run(main())


def echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
