"""docs/ARCHITECTURE.md shows the lifecycle table as the code has it (issue 3 "Also")."""

from __future__ import annotations

from pathlib import Path

from sscard.cards import lifecycle as lc

DOC = Path(__file__).resolve().parents[3] / "docs" / "ARCHITECTURE.md"


def _rows() -> set[str]:
    return {line.strip() for line in DOC.read_text(encoding="utf-8").splitlines()}


def test_every_hr_transition_is_in_the_architecture_document() -> None:
    rows = _rows()
    for (state, event), step in lc.HR_TABLE.items():
        channels = ", ".join(sorted(c.value for c in step.channels))
        row = f"| {state.value} | {event.value} | {step.to.value} | {channels} | {step.rule} |"
        assert row in rows, row


def test_every_financial_transition_is_in_the_architecture_document() -> None:
    rows = _rows()
    for (state, event), to in lc.FINANCIAL_TABLE.items():
        assert f"| {state.value} | {event.value} | {to.value} |" in rows
