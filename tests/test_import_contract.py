"""The order between contexts is checked by a machine (import-linter, `make lint`).

Each case copies the source tree, adds one import the house forbids, and runs `lint-imports`
with the project's own contracts on the copy: it must fail, naming the contract. The unchanged
tree must pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{tree / 'src'}{os.pathsep}{tree / 'tools'}"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the packages and the contracts, to break on purpose."""
    for part in ("src", "tools"):
        shutil.copytree(
            ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _add_import(tree: Path, module: str, line: str) -> None:
    path = tree / "src" / Path(*module.split(".")).with_suffix(".py")
    if not path.exists():
        path = tree / "tools" / Path(*module.split(".")).with_suffix(".py")
    text = path.read_text()
    head, _, body = text.partition("from __future__ import annotations\n")
    path.write_text(f"{head}from __future__ import annotations\n\n{line}\n{body}")


def test_the_tree_keeps_every_contract(tree: Path) -> None:
    done = _lint(tree)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # cards must never learn of the banks: the bank hears of a card through its events
        ("sscard.cards.service", "import sscard.banks.messages", "Contexts depend downwards"),
        ("sscard.kernel.clock", "import sscard.platform.history", "Contexts depend downwards"),
        ("sscard.registry.service", "import sscard.applications.service", "Contexts depend"),
        ("sscard.platform.outbox.dispatcher", "import sscard.banks.enrichment", "Contexts depend"),
        ("sscard.platform.notify.service", "import sscard.platform.outbox.service", "Inside the"),
        ("sscard.cards.loss.rules", "import sqlalchemy", "Business rules are pure"),
        ("sscard.cards.lifecycle", "import sscard.kernel.db", "Business rules are pure"),
        ("sscard.cards.loss.service", "import sscard.cards.loss.endpoints", "In every context"),
        ("sscard.registry.reference.repository", "import sscard.registry.reference.service", "In"),
        ("bank_simulator.app", "import sscard.banks.protocol", "talk only over the wire"),
        ("sscard.banks.service", "import bank_simulator.wire", "talk only over the wire"),
        ("sscard.cards.loss.endpoints", "import sscard.cards.repository", "Routes, CLI commands"),
        ("sscard.platform.notify.cli", "import sscard.platform.notify.models", "Routes, CLI"),
    ],
)
def test_a_wrong_way_import_fails_the_lint(
    tree: Path, module: str, line: str, contract: str
) -> None:
    _add_import(tree, module, line)
    done = _lint(tree)
    assert done.returncode != 0, done.stdout
    broken = done.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, done.stdout


def test_a_cycle_between_sibling_packages_fails_the_lint(tree: Path) -> None:
    _add_import(tree, "sscard.cards.legacy.service", "import sscard.cards.expiry.service")
    _add_import(tree, "sscard.cards.expiry.service", "import sscard.cards.legacy.service")
    done = _lint(tree)
    assert done.returncode != 0, done.stdout
    assert "No cycle between" in done.stdout.split("Broken contracts", 1)[-1], done.stdout


def test_a_new_context_must_be_placed_in_the_order(tree: Path) -> None:
    """The contexts contract is exhaustive: an unplaced top-level package fails the lint."""
    package = tree / "src" / "sscard" / "ecard"
    package.mkdir()
    (package / "__init__.py").write_text('"""The electronic card."""\n')
    done = _lint(tree)
    assert done.returncode != 0, done.stdout
    assert "sscard.ecard" in done.stdout, done.stdout
