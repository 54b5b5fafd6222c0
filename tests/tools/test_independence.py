"""The tools talk to sscard over the wire only: loading every module of theirs loads no sscard."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import bank_simulator
import delta_simulator
import devstack


@pytest.mark.parametrize("package", [bank_simulator, delta_simulator, devstack])
def test_a_tool_imports_nothing_of_sscard(package: object) -> None:
    name = package.__name__  # type: ignore[attr-defined]
    paths = package.__path__  # type: ignore[attr-defined]
    modules = [
        f"{name}.{m.name}" for m in pkgutil.iter_modules(paths) if not m.name.startswith("__")
    ]
    script = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted(m for m in sys.modules if m == 'sscard' or m.startswith('sscard.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert len(modules) > 3
    assert done.stdout.strip() == "[]"
