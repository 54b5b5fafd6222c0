"""What other contexts plug into the delta's answers; the composition root registers each.

A Jiangsu card asked about for a medical use in another province is usable there only under a
cross-region filing in force for that place (SPEC MED-1, YRD-1). Filings belong to the medical
context, above this one, so medical registers how to check them (`FILING_CHECKS`); with none
registered a medical question is answered on the card alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sscard.cards.entities import Card
from sscard.cards.lifecycle import UseAnswer
from sscard.kernel.ctx import Ctx

# (ctx, the card, the city code of the place asked about) -> a refusal, or None when it may.
FilingCheck = Callable[[Ctx, Card, str], Awaitable[UseAnswer | None]]
FILING_CHECKS: list[FilingCheck] = []


def register(*checks: FilingCheck) -> None:
    FILING_CHECKS.extend(checks)


def clear() -> None:
    FILING_CHECKS.clear()
