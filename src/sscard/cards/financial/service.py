"""The financial function's mirror: what the card's bank reports, kept here (SPEC ISS-2, LOSS-2).

The bank's word arrives through one signed, sequenced channel, its inbox (banks/service.py;
issue 11 removed an unsigned route beside it); it ends in apply_financial, which publishes
FinancialStatusChanged.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from sscard.cards import lifecycle as lc
from sscard.cards import repository as repo
from sscard.cards.entities import Card
from sscard.cards.events import FinancialStatusChanged
from sscard.cards.lifecycle import FinancialEvent, FinancialStatus
from sscard.kernel.crypto import Vault
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import Row
from sscard.kernel.errors import InvalidInput, invalid
from sscard.kernel.events import publish
from sscard.kernel.masking import mask_account
from sscard.kernel.text import is_ascii_digits
from sscard.platform.history import Change, record


def _account_required() -> InvalidInput:
    return invalid(
        "account_number",
        "开户须报送账号（12至32位数字）",
        "an opened account needs its number (12 to 32 digits)",
    )


def _is_account_number(value: str) -> bool:
    return is_ascii_digits(value) and 12 <= len(value) <= 32


async def apply_financial(
    ctx: Ctx,
    card: Card,
    event: FinancialEvent,
    account_number: str | None,
    reason: str | None = None,
) -> Card:
    """Move the mirror by the financial table (FinancialTransitionRefused otherwise); an opened
    account is kept encrypted, masked and indexed (ID-6). Publishes FinancialStatusChanged."""
    state = card.financial_status
    to = lc.next_financial_status(state, event, card.financial_before_loss)
    values: dict[str, Any] = {"financial_status": to.value}
    if event is FinancialEvent.ACCOUNT_OPENED:
        if account_number is None or not _is_account_number(account_number):
            raise _account_required()
        values |= seal_account(ctx.vault, account_number)
    if event is FinancialEvent.REPORTED_LOST:
        values["financial_before_loss"] = state.value
    if event in (FinancialEvent.LOSS_LIFTED, FinancialEvent.CLOSED):
        values["financial_before_loss"] = None
    changed = await repo.change(ctx.conn, card, ctx.now, **values)
    change = Change("card", card.id, f"financial_{event.value}", state, to, reason)
    await record(ctx.conn, ctx.actor, ctx.now, change)
    await publish(ctx, FinancialStatusChanged(changed.ref, event, state, to))
    return changed


def seal_account(vault: Vault, account_number: str) -> Row:
    """The card's account columns for a number (SPEC ID-6): encrypted, masked, and indexed, for
    reconciliation matches the bank's statement lines by the index, never the number."""
    return vault.seal(
        "account", account_number, mask=mask_account, indexed=True, enc_column="account_number_enc"
    )


async def follow_bank_statement(
    ctx: Ctx,
    bank_code: str,
    reasons: dict[str, str],
    was: FinancialStatus,
    to: FinancialStatus,
    as_of: datetime,
) -> dict[str, int]:
    """Reconciliation's repair (ISS-2, LOSS-2): the mirror of the bank's cards named in
    `reasons` (card number -> the history's reason) goes from `was` to what the bank's
    statement says, set-based; a card changed since the statement's moment is left alone. Each
    card changed gets its history row (`reconciled`) and a FinancialStatusChanged (report None:
    the statement, not a report, moved it). The cards changed, number -> id."""
    changed = await repo.follow_bank_statement(
        ctx.conn, bank_code, list(reasons), was, to, as_of, ctx.now
    )
    await record(
        ctx.conn,
        ctx.actor,
        ctx.now,
        *(Change("card", r.id, "reconciled", was, to, reasons[r.card_number]) for r in changed),
    )
    await publish(ctx, *(FinancialStatusChanged(ref, None, was, to) for ref in changed))
    return {ref.card_number: ref.id for ref in changed}


async def record_statement_accounts(ctx: Ctx, accounts: dict[str, str]) -> None:
    """ISS-2: accounts the bank opened and whose report was lost, read from its statement (card
    number -> account number), stored sealed (seal_account); one statement for all of them.
    Sealing runs off the event loop: a statement may bring thousands."""
    if not accounts:
        return
    vault = ctx.vault
    sealed = await asyncio.to_thread(
        lambda: {number: seal_account(vault, a) for number, a in accounts.items()}
    )
    await repo.record_sealed_accounts(ctx.conn, sealed)
