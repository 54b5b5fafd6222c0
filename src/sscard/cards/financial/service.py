"""The financial function's mirror: what the card's bank reports, kept here (SPEC ISS-2, LOSS-2).

A bank system reports through its inbox (banks/inbox.py) or, one change at a time, through the
financial-status route; both end in apply_financial.
"""

from __future__ import annotations

from typing import Any

from sscard.cards import lifecycle as lc
from sscard.cards import repository as repo
from sscard.cards.financial.permissions import REPORT_FINANCIAL_STATUS
from sscard.cards.lifecycle import FinancialEvent, FinancialStatus
from sscard.cards.loss import service as loss
from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import InvalidInput
from sscard.kernel.masking import mask_account
from sscard.platform.history import Change, record


def _account_required() -> InvalidInput:
    return InvalidInput(
        field="account_number",
        field_name="account_number",
        reason_zh="开户须报送账号（12至32位数字）",
        reason_en="an opened account needs its number (12 to 32 digits)",
    )


def _is_account_number(value: str) -> bool:
    return value.isdigit() and 12 <= len(value) <= 32


async def report(
    ctx: Ctx, card_number: str, event: FinancialEvent, account_number: str | None
) -> dict[str, Any]:
    """The card's bank reports a change of the financial function it runs."""
    authorize(ctx.actor, REPORT_FINANCIAL_STATUS)
    card = await loss.load(ctx, card_number)  # a bank sees only its own cards
    return await apply_financial(ctx, card, event, account_number)


async def apply_financial(
    ctx: Ctx,
    card: dict[str, Any],
    event: FinancialEvent,
    account_number: str | None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Move the mirror by the financial table; an opened account is kept encrypted and indexed."""
    state = FinancialStatus(card["financial_status"])
    before = card["financial_before_loss"]
    to = lc.next_financial_status(state, event, FinancialStatus(before) if before else None)
    values: dict[str, Any] = {"financial_status": to.value}
    if event is FinancialEvent.ACCOUNT_OPENED:
        if account_number is None or not _is_account_number(account_number):
            raise _account_required()
        values |= {
            "account_number_enc": ctx.vault.encrypt(account_number),
            "account_masked": mask_account(account_number),
            # Reconciliation matches the bank's statement lines by this, never by the clear number.
            "account_index": ctx.vault.index(account_number),
        }
    if event is FinancialEvent.REPORTED_LOST:
        values["financial_before_loss"] = state.value
    if event in (FinancialEvent.LOSS_LIFTED, FinancialEvent.CLOSED):
        values["financial_before_loss"] = None
    card = await repo.change(ctx.conn, card, ctx.now, **values)
    change = Change("card", card["id"], f"financial_{event.value}", state, to, reason)
    await record(ctx.conn, ctx.actor, ctx.now, change)
    return card
