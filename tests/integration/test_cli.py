"""Whatever an operator can get wrong, the CLI says on one line on stderr, in the operator's
language, with exit status 2 and no traceback (issue 11): a database URL sscard cannot use, a
database out of reach, a file that is missing or not JSON, a bad option."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.serving import failure

# Nothing here differs by database: it runs once, on SQLite (Makefile, test-postgres).
pytestmark = pytest.mark.any_database


UNUSABLE_URL = (
    "invalid_setting",
    "SSCARD_DATABASE_URL",
    "not a usable database URL: sqlite:///file or postgresql://user@host:port/db",
)


def sscard(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {
        **os.environ,
        "SSCARD_VAR_DIR": str(tmp_path),
        "SSCARD_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "SSCARD_DATA_KEY": "ab" * 32,
        "SSCARD_LANG": "en",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "sscard", *args],
        env=environment,
        capture_output=True,
        timeout=60,
        check=False,
    )


def told(done: subprocess.CompletedProcess[bytes]) -> tuple[str | None, ...]:
    said = failure(done.returncode, done.stdout, done.stderr)
    assert b"Traceback" not in done.stderr
    return said["code"], said["field"], said["message"]


@pytest.mark.parametrize(
    ("url", "command"),
    [
        ("mysql://x", ("token", "list")),
        ("not a url", ("db", "migrate")),
        ("oracle://scott@db/orcl", ("setup",)),
    ],
)
def test_a_database_url_sscard_cannot_use_is_named(
    tmp_path: Path, url: str, command: tuple[str, ...]
) -> None:
    assert told(sscard(tmp_path, *command, SSCARD_DATABASE_URL=url)) == UNUSABLE_URL


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql://postgres@127.0.0.1:1/x", "Connect call failed"),
        ("sqlite:////no/such/folder/x.db", "no such folder: /no/such/folder"),
    ],
)
def test_a_database_out_of_reach_is_said_plainly(tmp_path: Path, url: str, reason: str) -> None:
    code, field, message = told(sscard(tmp_path, "token", "list", SSCARD_DATABASE_URL=url))
    assert (code, field) == ("database_unreachable", "SSCARD_DATABASE_URL")
    assert message is not None
    assert reason in message


def test_the_operators_language_is_sscard_lang_else_lang(tmp_path: Path) -> None:
    url = {"SSCARD_DATABASE_URL": "mysql://x"}
    chinese = told(sscard(tmp_path, "token", "list", SSCARD_LANG="", LANG="zh_CN.UTF-8", **url))
    assert (
        chinese[2] == "不是可用的数据库地址，须为 sqlite:///文件 或 postgresql://用户@主机:端口/库"
    )
    english = told(sscard(tmp_path, "token", "list", SSCARD_LANG="", LANG="en_GB.UTF-8", **url))
    assert english == UNUSABLE_URL
    assert told(sscard(tmp_path, "token", "list", SSCARD_LANG="zh", LANG="en_GB", **url)) == chinese


def test_a_setting_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    assert told(sscard(tmp_path, "token", "list", SSCARD_WORKERS="two")) == (
        "invalid_setting",
        "SSCARD_WORKERS",
        "SSCARD_WORKERS='two' is not a whole number",
    )


def test_a_missing_or_broken_file_and_a_bad_option_are_one_line(tmp_path: Path) -> None:
    assert sscard(tmp_path, "db", "migrate").returncode == 0
    missing = str(tmp_path / "none.json")
    assert told(sscard(tmp_path, "calendar", "load-year", "2031", missing)) == (
        "invalid_input",
        "file",
        "Field 'file' is invalid: no such file",
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert told(sscard(tmp_path, "calendar", "load-year", "2031", str(broken)))[:2] == (
        "invalid_input",
        "file",
    )
    assert told(sscard(tmp_path, "banks", "reconcile", "ICBC", "--file", missing))[:2] == (
        "usage",
        "--file",
    )
    assert told(sscard(tmp_path, "token", "list", "--bogus")) == (
        "usage",
        None,
        "No such option: --bogus",
    )
    # a staff account is offered the staff roles only (the tryout: --help listed cardholder)
    create = ("staff", "create", "--username", "zhou.cli", "--name", "周", "--role", "cardholder")
    code, field, message = told(sscard(tmp_path, *create))
    assert (code, field) == ("usage", "--role")
    assert message is not None
    assert "'outlet_clerk'" in message


def test_a_refused_batch_lists_each_problem_under_its_line(tmp_path: Path) -> None:
    """SPEC PAY-1: the batch is refused whole, and the operator reads every line at fault (the
    summary alone said only "see problems", which a command line has no way to see)."""
    assert sscard(tmp_path, "db", "migrate").returncode == 0
    payer = ("payments", "register-payer", "JS-PENSION", "--name-zh", "养老", "--name-en", "P")
    assert sscard(tmp_path, *payer, "--kind", "pension").returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "ssn,amount_yuan,kind,period,payer_reference\n123,abc,pension,2026-11,P1\n",
        encoding="utf-8",
    )
    submit = ("payments", "submit", str(bad), "--payer", "JS-PENSION", "--reference", "X")
    done = sscard(tmp_path, *submit)
    assert (done.returncode, done.stdout) == (2, b"")
    first, *problems = done.stderr.decode().splitlines()
    assert first.startswith("sscard: batch_invalid (lines): ")
    assert problems == [
        "  line 1, amount_yuan: the amount cannot be read: fen are whole, yuan have at most two"
        " decimals",
        "  line 1, ssn: not a social security number: must be 18 characters",
    ]
    chinese = sscard(tmp_path, *submit, SSCARD_LANG="zh").stderr.decode().splitlines()
    assert chinese[2] == "  第1行，ssn：社会保障号码无效：长度应为18位"
