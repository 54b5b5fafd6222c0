"""The bank inbox: each report applied once, in the bank's own order per card.

SPEC ISS-2, ISS-4, LOSS-2/3, CAN-3. A bank numbers its reports per card from 1 (`sequence`).
Everything below happens in the request's one transaction:

- a report whose id the bank used before is a duplicate: answered as the first time, nothing
  changes; the same id with another body is refused (message_id_reused);
- the next report in the card's order is applied, then every report held back behind it;
- a report from further ahead is held back (deferred) until the gap is filled;
- a report the rules refuse is kept as rejected and uses up its place, so the bank's next
  report does not wait for it; the card does not change.

The bank's reports for one card are serialised by a lock on the card's sequence row, so two
copies of one message arriving together end with one applied and the other a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sscard.banks import repository as repo
from sscard.banks import rules as reports
from sscard.banks.permissions import SUBMIT_BANK_REPORT, VIEW_BANK_INBOX
from sscard.banks.protocol import (
    FINANCIAL_REPORTS,
    InboxStatus,
    ReportType,
)
from sscard.banks.rules import Report, acting_actor, history_reason
from sscard.cards.entities import Card
from sscard.cards.financial import service as financial
from sscard.cards.loss import service as loss
from sscard.cards.loss.rules import NotThisBank
from sscard.cards.service import card_state_view, load, look
from sscard.kernel.actor import authorize
from sscard.kernel.crypto import Vault
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import Row
from sscard.kernel.errors import Conflict, DomainError, NotFound, invalid
from sscard.kernel.masking import mask_account
from sscard.platform import cache
from sscard.platform.outbox import signing
from sscard.platform.outbox.service import endpoint_secret
from sscard.platform.paging import next_cursor, open_cursor, seal_cursor
from sscard.registry.reference import repository as reference
from sscard.registry.reference.entities import Outlet


class BankNotConnected(DomainError):
    code = "bank_not_connected"
    status = 403
    message_zh = "银行“{bank_code}”尚未接入（未配置报文密钥），不能报送"
    message_en = "Bank '{bank_code}' is not connected (no signing key configured); it cannot report"


class MessageIdReused(DomainError):
    code = "message_id_reused"
    status = 409
    message_zh = "报文编号已用于另一份不同的报送"
    message_en = "This message id was already used for a different report"


class SequenceAlreadyUsed(DomainError):
    code = "sequence_already_used"
    status = 409
    message_zh = "该卡的报送序号{sequence}已被另一份报送占用（本卡已处理到{last}）"
    message_en = (
        "Sequence {sequence} for this card belongs to another report (handled up to {last})"
    )


class Placement(StrEnum):
    APPLY = "apply"  # the next in the card's order
    DEFER = "defer"  # further ahead: wait for the gap to fill
    USED = "used"  # behind: that place is taken


def placement(sequence: int, last: int) -> Placement:
    """Where a report with a new id falls in the card's order, given the last place used."""
    if sequence == last + 1:
        return Placement.APPLY
    return Placement.DEFER if sequence > last + 1 else Placement.USED


@dataclass
class Receipt:
    """The inbox's answer to one report."""

    message_id: str
    status: InboxStatus
    duplicate: bool = False
    card: Row | None = None  # the card's state view once applied
    refusal: Row | None = None  # the problem, when rejected
    released: list[Row] = field(default_factory=list)  # held-back reports applied after it

    def as_dict(self) -> Row:
        body: Row = {"message_id": self.message_id, "status": self.status.value}
        if self.duplicate:
            body["duplicate"] = True
        if self.card is not None:
            body["card"] = self.card
        if self.released:
            body["released"] = self.released
        return body


async def authenticate(
    ctx: Ctx, headers: Mapping[str, str], body: bytes, tolerance_seconds: int
) -> None:
    """Refuse unless the body is signed with the reporting bank's key, recently (ISS-2)."""
    authorize(ctx.actor, SUBMIT_BANK_REPORT)
    await verify_bank_signature(ctx, headers, body, tolerance_seconds)


async def verify_bank_signature(
    ctx: Ctx, headers: Mapping[str, str], body: bytes, tolerance_seconds: int
) -> None:
    """The body signed with the calling bank system's key, recently: BankNotConnected for a
    bank with no key, SignatureRefused otherwise. The caller authorizes its own operation."""
    bank = ctx.actor.bank_code or ""
    secret = await endpoint_secret(ctx, bank)
    if secret is None:
        raise BankNotConnected(bank_code=bank)
    signing.verify(secret, headers, body, ctx.now, tolerance_seconds)


async def receive(ctx: Ctx, report: Report) -> Receipt:
    """Take one report from the acting bank's system: apply, hold back, or answer as before."""
    authorize(ctx.actor, SUBMIT_BANK_REPORT)
    bank = ctx.actor.bank_code or ""
    reports.check(report)
    digest = ctx.vault.index(report.canonical())
    if (seen := await repo.entry(ctx.conn, bank, report.message_id)) is not None:
        return await _again(ctx, seen, digest)
    card = await load(ctx, report.card_number)  # a bank sees only its own cards
    await outlet_of(ctx, report)
    last = await repo.lock_sequence(ctx.conn, bank, card.id, ctx.now)
    # A twin of this message may have committed while this one waited for the lock.
    if (seen := await repo.entry(ctx.conn, bank, report.message_id)) is not None:
        return await _again(ctx, seen, digest)
    where = placement(report.sequence, last)
    if where is Placement.USED:
        raise SequenceAlreadyUsed(field="sequence", sequence=report.sequence, last=last)
    if where is Placement.DEFER:
        if await repo.at_place(ctx.conn, bank, card.id, report.sequence) is not None:
            raise SequenceAlreadyUsed(field="sequence", sequence=report.sequence, last=last)
        await _insert(ctx, bank, card.id, report, digest, InboxStatus.DEFERRED, None)
        return Receipt(report.message_id, InboxStatus.DEFERRED)
    card = await load(ctx, report.card_number)  # as it stands now that we hold the lock
    card, refusal = await _apply(ctx, card, report)
    status = InboxStatus.REJECTED if refusal else InboxStatus.APPLIED
    await _insert(ctx, bank, card.id, report, digest, status, refusal)
    card, released = await _release(ctx, bank, card, report.sequence)
    if refusal is not None:
        return Receipt(report.message_id, status, refusal=refusal, released=released)
    view = card_state_view(card)
    return Receipt(report.message_id, status, card=view, released=released)


async def replay(ctx: Ctx, report: Report) -> Receipt | None:
    """The answer already given to this message, if one was stored (a concurrent twin's)."""
    seen = await repo.entry(ctx.conn, ctx.actor.bank_code or "", report.message_id)
    return None if seen is None else await _again(ctx, seen, ctx.vault.index(report.canonical()))


async def _again(ctx: Ctx, seen: Row, digest: str) -> Receipt:
    if seen["request_hash"] != digest:
        raise MessageIdReused(field="message_id")
    status = InboxStatus(seen["status"])
    receipt = Receipt(seen["message_id"], status, duplicate=True)
    if status is InboxStatus.REJECTED:
        receipt.refusal = seen["payload"].get("refusal")
    elif status is InboxStatus.APPLIED:
        receipt.card = card_state_view(await look(ctx, seen["payload"]["card_number"]))
    return receipt


async def _apply(ctx: Ctx, card: Card, report: Report) -> tuple[Card, Row | None]:
    """Apply in a savepoint: a refusal by a rule leaves the card as it was and is kept."""
    try:
        async with ctx.conn.begin_nested():
            return await apply(ctx, card, report), None
    except Conflict:
        raise  # the card changed meanwhile: not a refusal, the bank sends the report again
    except DomainError as refused:
        return card, _refusal(refused)


async def _release(ctx: Ctx, bank: str, card: Card, last: int) -> tuple[Card, list[Row]]:
    """Apply the held-back reports that now follow in order; record how far the card got."""
    released: list[Row] = []
    while (held := await repo.at_place(ctx.conn, bank, card.id, last + 1)) is not None:
        account = held["account_number_enc"]
        report = Report.stored(
            held["message_id"],
            held["sequence"],
            held["payload"],
            ctx.vault.decrypt(account) if account else None,
        )
        card, refusal = await _apply(ctx, card, report)
        status = InboxStatus.REJECTED if refusal else InboxStatus.APPLIED
        await _settle(ctx, bank, held, status, refusal)
        released.append(
            {
                "message_id": report.message_id,
                "sequence": report.sequence,
                "status": status.value,
                "code": refusal["code"] if refusal else None,
            }
        )
        last += 1
    await repo.set_last(ctx.conn, bank, card.id, last, ctx.now)
    return card, released


def _refusal(refused: DomainError) -> Row:
    return {
        "status": refused.status,
        "code": refused.code,
        "rule": refused.rule,
        "field": refused.field,
        "detail_zh": refused.detail_zh,
        "detail_en": refused.detail_en,
    }


# ---- the administrator's view (VIEW_BANK_INBOX) ----


@dataclass(frozen=True)
class InboxFilter:
    bank_code: str | None = None
    status: InboxStatus | None = None
    card_number: str | None = None
    after: str | None = None  # the cursor a previous page returned
    limit: int = 100


async def list_inbox(ctx: Ctx, f: InboxFilter) -> tuple[list[Row], str | None]:
    """A page of reports, oldest first, and the next page's cursor (null at the end)."""
    authorize(ctx.actor, VIEW_BANK_INBOX)
    rows = await repo.page(
        ctx.conn,
        bank_code=f.bank_code,
        status=f.status,
        card_number=f.card_number.strip().upper() if f.card_number else None,
        after=_open_inbox_cursor(ctx.vault, f.after) if f.after is not None else None,
        limit=f.limit,
    )
    cursor = next_cursor(rows, f.limit, _inbox_cursor(ctx.vault))
    return [_view(ctx.vault, r) for r in rows], cursor


async def inbox_entry(ctx: Ctx, bank_code: str, message_id: str) -> Row:
    """One report as received, with what became of it."""
    authorize(ctx.actor, VIEW_BANK_INBOX)
    row = await repo.entry_with_card(ctx.conn, bank_code, message_id)
    if row is None:
        raise NotFound(field="message_id", what_zh="银行报送", what_en="Bank report")
    return _view(ctx.vault, row)


def _view(vault: Vault, row: Row) -> Row:
    """Never the account number in clear: masked at most (ID-6)."""
    payload = row["payload"]
    enc = row["account_number_enc"]
    return {
        "bank_code": row["bank_code"],
        "message_id": row["message_id"],
        "card_number": row["card_number"],
        "sequence": row["sequence"],
        "type": row["type"],
        "status": row["status"],
        "result_code": row["result_code"],
        "refusal": payload.get("refusal"),
        "occurred_at": payload["occurred_at"],
        "channel": payload["channel"],
        "outlet_code": payload["outlet_code"],
        "reason": payload["reason"],
        "account": mask_account(vault.decrypt(enc)) if enc else None,
        "received_at": row["received_at"],
        "applied_at": row["applied_at"],
    }


def _inbox_cursor(vault: Vault) -> Callable[[Mapping[str, Any]], str]:
    def encode(row: Mapping[str, Any]) -> str:
        return seal_cursor(
            vault, [row["received_at"].isoformat(), row["bank_code"], row["message_id"]]
        )

    return encode


def _open_inbox_cursor(vault: Vault, cursor: str) -> tuple[datetime, str, str]:
    """The (received_at, bank, message id) a sealed cursor holds; 422 on `after` otherwise."""
    at, bank, message_id = open_cursor(vault, cursor, 3)
    return datetime.fromisoformat(at), str(bank), str(message_id)


async def _insert(
    ctx: Ctx,
    bank: str,
    card_id: int,
    report: Report,
    digest: str,
    status: InboxStatus,
    refusal: Row | None,
) -> None:
    """Keep a report in the inbox: the account number (account_opened only) encrypted."""
    account = report.account_number
    await repo.insert_entry(
        ctx.conn,
        {
            "bank_code": bank,
            "message_id": report.message_id,
            "card_id": card_id,
            "sequence": report.sequence,
            "type": report.type.value,
            "payload": report.payload() | ({"refusal": refusal} if refusal else {}),
            "account_number_enc": ctx.vault.encrypt(account) if account else None,
            "request_hash": digest,
            "status": status.value,
            "result_code": refusal["code"] if refusal else None,
            "received_at": ctx.now,
            "applied_at": None if status is InboxStatus.DEFERRED else ctx.now,
        },
    )


async def _settle(ctx: Ctx, bank: str, held: Row, status: InboxStatus, refusal: Row | None) -> None:
    """A held-back report applied (or refused) now that its place came."""
    await repo.settle(
        ctx.conn,
        bank,
        held["message_id"],
        {
            "status": status.value,
            "result_code": refusal["code"] if refusal else None,
            "payload": held["payload"] | ({"refusal": refusal} if refusal else {}),
            "applied_at": ctx.now,
        },
    )


async def outlet_of(ctx: Ctx, report: Report) -> Outlet | None:
    """The outlet the report names, if any; a code we do not know is bad input."""
    code = report.outlet_code
    if code is None:
        return None
    outlet = await cache.cached(
        ("outlet_code", code), lambda: reference.get_outlet_by_code(ctx.conn, code)
    )
    if outlet is None:
        raise invalid("outlet_code", "网点代码不存在", "no outlet has this code")
    return outlet


async def apply(ctx: Ctx, card: Card, report: Report) -> Card:
    """Change the card as the report says, as the bank's act; refused by name like any other."""
    outlet = await outlet_of(ctx, report)
    if outlet is not None and outlet.bank_code != ctx.actor.bank_code:
        # SPEC LOSS-2/3, [004]: any outlet of the card's bank in the province, not another bank's.
        raise NotThisBank(field="outlet_code", bank_code=card.bank_code)
    acting = replace(ctx, actor=acting_actor(ctx.actor, report, outlet))
    event = FINANCIAL_REPORTS.get(report.type)
    if event is not None:
        return await financial.apply_financial(
            acting, card, event, report.account_number, report.reason
        )
    if report.type is ReportType.FORMAL_LOSS:
        return await loss.apply_formal_loss(acting, card, history_reason(report))
    return await loss.apply_unlock(acting, card, history_reason(report))
