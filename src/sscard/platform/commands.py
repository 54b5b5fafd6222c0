"""Helpers every command group uses."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer

from sscard.kernel.config import Settings
from sscard.kernel.errors import DomainError
from sscard.kernel.runtime import Runtime

T = TypeVar("T")


# The exit status of a command the rules refused (a usage error is click's 2).
REFUSED = 1


def run_with_runtime(work: Callable[[Runtime], Awaitable[T]]) -> T:
    """Run one async job against the configured database, then close the engine.

    A refusal (DomainError) changes nothing (its unit of work rolled back); it is printed as
    the API's problem, JSON on stdout for scripts and one line in Chinese and English on
    stderr for people, and the command exits with status REFUSED.
    """

    async def main() -> T:
        rt = Runtime(Settings.from_env())
        try:
            return await work(rt)
        finally:
            await rt.dispose()

    try:
        return asyncio.run(main())
    except DomainError as refused:
        echo_refusal(refused)
        raise typer.Exit(REFUSED) from None


def echo_refusal(refused: DomainError) -> None:
    """The refusal as the HTTP API's problem body (code, rule, field, zh and en details)."""
    problem = {"code": refused.code, "rule": refused.rule, "field": refused.field}
    problem |= {"detail_zh": refused.detail_zh, "detail_en": refused.detail_en}
    echo_json(problem | (refused.extra() or {}))
    typer.echo(f"{refused.code}: {refused.detail_zh} / {refused.detail_en}", err=True)


def echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
