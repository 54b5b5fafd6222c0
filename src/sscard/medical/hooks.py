"""What the medical use plugs into the delta exchange: a Jiangsu card asked about for a medical
use in another province is usable there only under a filing in force for that place (SPEC
MED-1, YRD-1); sscard.wiring registers it with the delta."""

from __future__ import annotations

from sscard.cards.entities import Card
from sscard.cards.lifecycle import UseAnswer
from sscard.kernel.ctx import Ctx
from sscard.medical import service


async def filing_for_delta(ctx: Ctx, card: Card, place_city: str) -> UseAnswer | None:
    """The filing's refusal for `place_city` as the card's own answer reads, or None."""
    refusal = await service.filing_refusal(ctx, card, place_city)
    if refusal is None:
        return None
    return UseAnswer(False, refusal.code, refusal.reason_zh, refusal.reason_en, refusal.rule)
