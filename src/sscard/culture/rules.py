"""What a gate and a library check besides the card's own answer (SPEC CUL-1), pure."""

from __future__ import annotations

from datetime import date
from typing import Final

from sscard.scenes.rules import Refusal

MAX_LOANS: Final = 10  # a reader's items out at once
LOAN_DAYS: Final = 30
MAX_PRICE_FEN: Final = 1_000_000  # ten thousand yuan: no ticket costs more
TICKET_DAYS_AHEAD: Final = 90


def ticket_refusal(ticket: dict[str, object] | None, today: date) -> Refusal | None:
    """CUL-1: the gate admits a card holding a ticket of this scene for today, once."""
    if ticket is None:
        return Refusal("no_ticket", "未购买今日门票", "no ticket for today", "CUL-1")
    if ticket["used_at"] is not None:
        return Refusal("ticket_used", "门票已检票使用", "the ticket was used already", "CUL-1")
    if ticket["valid_on"] != today:
        return Refusal("ticket_not_today", "门票不是今日的", "the ticket is not for today", "CUL-1")
    return None


def loan_refusal(registered: bool, out_now: int) -> Refusal | None:
    """CUL-1: a library lends to a card registered as its reader's card, up to MAX_LOANS."""
    if not registered:
        zh, en = "该卡尚未登记为本馆读者证", "the card is not this library's reader's card"
        return Refusal("not_a_reader", zh, en, "CUL-1")
    if out_now >= MAX_LOANS:
        return Refusal(
            "too_many_loans", f"在借已达{MAX_LOANS}册", f"already {MAX_LOANS} items out", "CUL-1"
        )
    return None
