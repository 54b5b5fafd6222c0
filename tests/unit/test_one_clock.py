"""Time comes from one injectable clock (sscard.kernel.clock): no module of the product reads
the system's date or time itself, or a demo or test that moves the clock would see two
different days (the tryout's finding: the offer form proposed the machine's UTC date, a day
behind the service's Beijing business date)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "sscard"
CLOCK = SRC / "kernel" / "clock.py"
# (object, method) pairs that read the system's time of day or date
SYSTEM_TIME = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"),
               ("datetime", "today"), ("time", "time"), ("time", "localtime")}  # fmt: skip


def _reads_of_system_time(path: Path, root: Path = SRC) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
        if (name, node.func.attr) in SYSTEM_TIME:
            found.append(f"{path.relative_to(root)}:{node.lineno} {name}.{node.func.attr}()")
    return found


def test_only_the_clock_reads_the_system_time() -> None:
    found = [hit for path in sorted(SRC.rglob("*.py")) if path != CLOCK
             for hit in _reads_of_system_time(path)]  # fmt: skip
    assert found == [], "read the time from ctx.now / the runtime's clock instead"


def test_the_check_finds_a_read_of_the_system_date(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import datetime\nx = datetime.date.today()\ny = datetime.now(UTC)\n")
    assert [hit.split(" ")[1] for hit in _reads_of_system_time(sample, tmp_path)] == [
        "date.today()", "datetime.now()",
    ]  # fmt: skip
