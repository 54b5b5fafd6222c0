"""`make test` runs every suite: each of its targets has a recipe that runs pytest (a target
without one does nothing and passes — make applies no pattern rule to a phony target)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("test-sqlite", "--ignore=tests/blackbox --ignore=tests/browser"),
        ("test-postgres", '-m "not any_database"'),
        ("test-end-to-end", "tests/browser tests/blackbox"),
    ],
)
def test_each_suite_of_make_test_runs_pytest(target: str, expected: str) -> None:
    dry = subprocess.run(
        ["make", "-n", "-C", str(ROOT), target, "STAMP=Makefile"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    commands = [line for line in dry.stdout.splitlines() if "pytest" in line]
    assert commands, dry.stdout
    assert expected in commands[-1]
    assert "-n 2 --dist loadfile" in commands[-1]  # spread over two workers, modules whole


def test_make_test_runs_the_checks_and_the_three_suites() -> None:
    text = (ROOT / "Makefile").read_text()
    recipe = text.split("\ntest: ", 1)[1].split("\n\n", 1)[0]
    for target in ("lint", "test-sqlite", "test-postgres", "test-end-to-end"):
        assert f" {target}" in recipe, target
