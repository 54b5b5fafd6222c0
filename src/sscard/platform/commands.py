"""Helpers every command group uses."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from sscard.kernel.config import Settings
from sscard.kernel.errors import DomainError, invalid
from sscard.kernel.runtime import Runtime
from sscard.platform.validation import invalid_fields

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


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


def read_body(path: Path, model: type[M]) -> M:
    """A JSON file read as the HTTP API's request body `model` would be, with the same checks.

    A file that cannot be read, is not JSON, or breaks the model is refused as the API refuses
    a bad body (invalid_input, each field with its reason in Chinese and English; exit status
    REFUSED); nothing has run yet, so nothing changes.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return model.model_validate(data)
    except ValidationError as bad:
        refused: DomainError = invalid_fields(bad)
    except FileNotFoundError:
        refused = invalid("file", "文件不存在", "no such file")
    except json.JSONDecodeError as bad:
        zh = f"不是有效的JSON（第{bad.lineno}行第{bad.colno}列）"
        refused = invalid("file", zh, f"not valid JSON (line {bad.lineno}, column {bad.colno})")
    except UnicodeDecodeError:
        refused = invalid("file", "须为UTF-8编码的文本", "must be UTF-8 text")
    except OSError as bad:
        refused = invalid("file", f"无法读取（{bad.strerror}）", f"cannot be read ({bad.strerror})")
    echo_refusal(refused)
    raise typer.Exit(REFUSED)


def echo_json(value: Any) -> None:
    """The command's answer as indented JSON; dates and moments in ISO 8601, as the API gives."""
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=_json_default))


def _json_default(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)
