"""The 10-year financial validity: who to remind, and the reminders (SPEC ISS-7, REP-2e)."""

from __future__ import annotations

from typing import Any

from sscard.cards.expiry import repository as expiry_repo
from sscard.cards.expiry.hooks import EXPIRY_EXCHANGE_REMINDER
from sscard.cards.expiry.permissions import LIST_EXPIRING_CARDS
from sscard.cards.expiry.rules import EXPIRY_WINDOW_DAYS, window_end
from sscard.cards.lifecycle import financial_expired
from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.platform.notify import service as notifications
from sscard.platform.paging import next_cursor


async def expiring(
    ctx: Ctx, within_days: int, city_code: str | None, after_id: int, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of live cards whose financial function ends within the days given, or has ended."""
    authorize(ctx.actor, LIST_EXPIRING_CARDS)
    until = window_end(ctx.today, within_days)
    rows = await expiry_repo.expiring_cards(ctx.conn, until, city_code, after_id, limit)
    cursor = next_cursor(rows, limit)
    return [_item(r, ctx) for r in rows], cursor


def _item(r: dict[str, Any], ctx: Ctx) -> dict[str, Any]:
    return {
        "card_number": r["card_number"],
        "city_code": r["city_code"],
        "bank_code": r["bank_code"],
        "expiry_date": r["expiry_date"],
        "expired": financial_expired(r["expiry_date"], ctx.today),
        "hr_status": r["hr_status"],
        "reminded_at": r["expiry_reminded_at"],
    }


async def send_reminders(ctx: Ctx, within_days: int = EXPIRY_WINDOW_DAYS, batch: int = 1000) -> int:
    """ISS-7: one reminder per card (not reminded yet) that expires within the window."""
    authorize(ctx.actor, LIST_EXPIRING_CARDS)
    until = window_end(ctx.today, within_days)
    total = 0
    while due := await expiry_repo.cards_to_remind(ctx.conn, until, batch):
        await notifications.enqueue_many(
            ctx.conn,
            [
                {
                    "person_id": r["person_id"],
                    "template": EXPIRY_EXCHANGE_REMINDER.code,
                    "params": {
                        "card_number": r["card_number"],
                        "expiry_date": r["expiry_date"].isoformat(),
                    },
                }
                for r in due
            ],
            at=ctx.now,
        )
        await expiry_repo.mark_reminded(ctx.conn, [r["id"] for r in due], ctx.now)
        total += len(due)
        if len(due) < batch:
            break
    return total
