"""Helpers every command group uses.

A command that cannot do what it was asked says why on one line on stderr — the problem's code,
the field (or setting, or file) at fault and the reason in the operator's language (SSCARD_LANG,
else LANG: English if it starts with en, Chinese otherwise) — and exits with status 2; an error
the operator can cause never prints a traceback. A refusal that lists several problems (a
batch's or a file's lines, a body's fields) adds one indented line for each after that line:
the line and field at fault and the reason, as the API's problem document lists them.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from sscard.kernel.config import ConfigError, Settings
from sscard.kernel.errors import DomainError, invalid
from sscard.kernel.runtime import Runtime
from sscard.platform.validation import invalid_fields

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


# At most this many problems are listed one by one; the rest are counted.
SHOWN_PROBLEMS = 100

# The exit status of every command that fails: a refusal, a setting or file it cannot use, a
# database it cannot reach (the same as click's own usage errors).
FAILED = 2


@dataclass(frozen=True)
class Failure:
    """Why a command stopped, as the operator reads it: one line, in their language."""

    code: str
    field: str | None
    zh: str
    en: str
    problems: tuple[dict[str, Any], ...] = ()  # each with line and/or field, reason_zh, reason_en

    def line(self, english: bool) -> str:
        """The failure's line, then an indented line for each problem it lists."""
        where = f" ({self.field})" if self.field else ""
        message = " ".join((self.en if english else self.zh).split())  # one line, always
        lines = [f"sscard: {self.code}{where}: {message}"]
        lines += [_problem_line(p, english) for p in self.problems[:SHOWN_PROBLEMS]]
        if len(self.problems) > SHOWN_PROBLEMS:
            more = len(self.problems) - SHOWN_PROBLEMS
            lines.append(f"  … and {more} more" if english else f"  ……另有{more}处")
        return "\n".join(lines)


def _problem_line(problem: dict[str, Any], english: bool) -> str:
    line, field = problem.get("line"), problem.get("field") or problem.get("code")
    reason = " ".join(str(problem.get("reason_en" if english else "reason_zh") or "").split())
    if english:
        where = ", ".join(x for x in (f"line {line}" if line is not None else "", field or "") if x)
    else:
        where = "，".join(x for x in (f"第{line}行" if line is not None else "", field or "") if x)
    if not where:
        return f"  {reason}"
    return f"  {where}: {reason}" if english else f"  {where}：{reason}"


def problems_of(error: DomainError) -> tuple[dict[str, Any], ...]:
    """The problems a refusal lists in its problem document (`problems`, `errors`, `defects`):
    every listed item that gives a reason in Chinese and English."""
    try:
        extra = error.extra() or {}
    except (KeyError, AttributeError):
        return ()
    found: list[dict[str, Any]] = []
    for value in extra.values():
        if not isinstance(value, list | tuple):
            continue
        for item in value:
            if isinstance(item, dict) and "reason_zh" in item and "reason_en" in item:
                found.append(item)
    if len(found) == 1 and found[0].get("line") is None and found[0].get("field") == error.field:
        return ()  # the failure's own line says it already
    return tuple(found)


def operator_english(env: Mapping[str, str] | None = None) -> bool:
    """English when SSCARD_LANG (or, unset, LANG) starts with en; Chinese otherwise."""
    env = os.environ if env is None else env
    lang = env.get("SSCARD_LANG") or env.get("LANG") or ""
    return lang.lower().startswith("en")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def failure_of(error: BaseException) -> Failure | None:
    """What an operator can cause, said plainly; None for anything else (a bug, shown whole)."""
    if isinstance(error, DomainError):
        return Failure(
            error.code, error.field, error.detail_zh, error.detail_en, problems_of(error)
        )
    if isinstance(error, ConfigError):
        name = str(error).split("=", 1)[0]
        return Failure("invalid_setting", name, f"环境变量无法读取：{error}", str(error))
    if isinstance(error, ArgumentError | NoSuchModuleError):
        return _bad_url()
    if isinstance(error, DBAPIError):
        # The driver's first line only: later lines (DETAIL) and the statement may hold values.
        reason = _first_line(error.orig) if error.orig is not None else type(error).__name__
        if error.statement is None:  # refused before any statement: connecting or signing in
            return _unreachable(reason)
        zh, en = f"数据库拒绝了此操作：{reason}", f"the database refused: {reason}"
        return Failure("database_error", None, zh, en)
    if isinstance(error, OSError) and error.filename is not None:
        reason = error.strerror or type(error).__name__
        zh, en = f"文件无法读取（{reason}）", f"cannot read it ({reason})"
        return Failure("file_unreadable", str(error.filename), zh, en)
    if isinstance(error, OSError):  # refused, unknown host, timed out: the database's server
        return _unreachable(_first_line(error))
    return None


def _bad_url() -> Failure:
    return Failure(
        "invalid_setting",
        "SSCARD_DATABASE_URL",
        "不是可用的数据库地址，须为 sqlite:///文件 或 postgresql://用户@主机:端口/库",
        "not a usable database URL: sqlite:///file or postgresql://user@host:port/db",
    )


def _unreachable(reason: str) -> Failure:
    return Failure(
        "database_unreachable",
        "SSCARD_DATABASE_URL",
        f"无法连接或打开数据库（{reason}）",
        f"the database cannot be reached or opened ({reason})",
    )


def fail(failure: Failure) -> NoReturn:
    """Tell the operator why the command stopped, on stderr, and exit with status FAILED."""
    typer.echo(failure.line(operator_english()), err=True)
    raise typer.Exit(FAILED)


def database_url(settings: Settings) -> str:
    """The configured database URL, if it names a database sscard can use; else the command
    stops on SSCARD_DATABASE_URL (mysql:// would fail deep in an import, a SQLite file in a
    folder that does not exist deep in the driver)."""
    try:
        url = make_url(settings.database_url)
    except ArgumentError:
        fail(_bad_url())
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        fail(_bad_url())
    if backend == "sqlite" and url.database and url.database != ":memory:":
        folder = Path(url.database).parent
        if not folder.is_dir():
            fail(_unreachable(f"no such folder: {folder}"))
    return settings.database_url


def run_with_runtime(work: Callable[[Runtime], Awaitable[T]]) -> T:
    """Run one async job against the configured database, then close the engine.

    A refusal (DomainError) changes nothing (its unit of work rolled back); it, or a database
    that cannot be reached, is told on one line on stderr (see `fail`).
    """
    settings = Settings.from_env()
    database_url(settings)

    async def main() -> T:
        rt = Runtime(settings)
        try:
            return await work(rt)
        finally:
            await rt.dispose()

    try:
        return asyncio.run(main())
    except Exception as error:
        failure = failure_of(error)
        if failure is None:
            raise
        fail(failure)


def read_body(path: Path, model: type[M]) -> M:
    """A JSON file read as the HTTP API's request body `model` would be, with the same checks.

    A file that cannot be read, is not JSON, or breaks the model is refused as the API refuses
    a bad body (invalid_input, the first field at fault with its reason; exit status FAILED);
    nothing has run yet, so nothing changes.
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
    fail(failure_of(refused) or Failure(refused.code, refused.field, "", ""))


def echo_json(value: Any) -> None:
    """The command's answer as indented JSON; dates and moments in ISO 8601, as the API gives."""
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=_json_default))


def _json_default(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)
