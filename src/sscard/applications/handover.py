"""What happens when a new card is handed over in place of another (SPEC REP-1, REP-3, ISS-5)."""

from __future__ import annotations

from typing import Any

from sscard.applications.temporary_medical import repository as temporary_repo
from sscard.banks import messages
from sscard.cards import repository as cards_repo
from sscard.cards.legacy import service as legacy
from sscard.kernel.ctx import Ctx
from sscard.platform.history import Change, record
from sscard.platform.outbox import service as outbox


async def on_collected(ctx: Ctx, app: dict[str, Any]) -> None:
    """The temporary medical card ends, older cards give up medical use, the old bank is told."""
    card = await cards_repo.get(ctx.conn, app["card_id"])
    assert card is not None
    ended = await temporary_repo.end_temporary_medical_cards(ctx.conn, app["id"], ctx.now)
    await record(
        ctx.conn,
        ctx.actor,
        ctx.now,
        *[Change("temp_medical", t["id"], "ended", "valid", "ended") for t in ended],
    )
    await legacy.move_medical_function(ctx, app["person_id"], card)
    if app["replaces_card_id"]:
        await _tell_old_bank(ctx, app["replaces_card_id"], card)


async def _tell_old_bank(ctx: Ctx, old_card_id: int, new: dict[str, Any]) -> None:
    """REP-3: the old card's bank decides what becomes of its account; benefits go to the new."""
    old = await cards_repo.get(ctx.conn, old_card_id)
    assert old is not None
    message = messages.card_superseded(
        old_card_id=old_card_id,
        old_card_number=old["card_number"],
        old_bank_code=old["bank_code"],
        new_card_number=new["card_number"],
        new_bank_code=new["bank_code"],
        at=ctx.now,
    )
    await outbox.enqueue_many(ctx.conn, [message])
