"""How the provinces following a Jiangsu card learn of its changes (SPEC YRD-1, YRD-3,
LOSS-5): every hr change of a card that a node asked about in the last year becomes an outbox
message to that node, in the transaction of the change. A lost card is so refused at the
delta's scenes that keep a copy of its status, not only at those that ask each time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sscard.cards.events import (
    CardCancelled,
    CardUnlocked,
    CardVoided,
    ExchangeApplied,
    FormalLossReported,
    HrFunctionChanged,
    ReplacementApplied,
    TemporaryLossLifted,
    TemporaryLossReported,
    card_key,
)
from sscard.delta import repository as repo
from sscard.delta.rules import FOLLOWED_DAYS, STANDARD
from sscard.delta.service import recipient
from sscard.kernel.ctx import Ctx
from sscard.kernel.events import Tally
from sscard.platform.outbox import service as outbox

TOPIC = "yrd.card_status_changed"
# The changes that decide whether a followed card may be used in the delta (LOSS-5).
TOLD_TO_THE_DELTA: tuple[type[HrFunctionChanged], ...] = (
    TemporaryLossReported,
    TemporaryLossLifted,
    FormalLossReported,
    CardUnlocked,
    ReplacementApplied,
    ExchangeApplied,
    CardCancelled,
    CardVoided,
)


async def on_hr_function_changed(ctx: Ctx, events: Sequence[HrFunctionChanged]) -> Tally:
    """One message per (changed card, following node): the card number, the change, the new
    status and its moment; nothing of the holder."""
    if not events:
        return None
    since = ctx.now - timedelta(days=FOLLOWED_DAYS)
    followers = await repo.followers(ctx.conn, sorted({e.card.id for e in events}), since)
    provinces: dict[int, list[str]] = {}
    for f in followers:
        provinces.setdefault(f["card_id"], []).append(f["province_code"])
    rows = [_message(e, province, ctx) for e in events for province in provinces.get(e.card.id, [])]
    await outbox.enqueue_many(ctx.conn, rows)
    return {"delta_status_changes": len(rows)} if rows else None


def _message(e: HrFunctionChanged, province: str, ctx: Ctx) -> dict[str, Any]:
    return outbox.new_row(
        topic=TOPIC,
        recipient=recipient(province),
        ordering_key=card_key(e.card.id),
        payload={
            "standard": STANDARD,
            "card_number": e.card.card_number,
            "event": e.transition.value,
            "card_status": e.to_state.value,
            "changed_at": ctx.now.isoformat(),
        },
        at=ctx.now,
    )
