"""A new card in place of one held: replacement, exchange, upgrade (SPEC REP-1..6, GEN-3).

Each follows the first-application process (APP-1): the same outlet checks, due dates and
instant making; the old card dies when the application is accepted (LOSS-4, REP-3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sscard.applications import repository as repo
from sscard.applications import service
from sscard.applications.lifecycle import ApplicationKind
from sscard.applications.renewal import rules as renewal
from sscard.applications.renewal.extensions import EXCHANGE_CHECKS
from sscard.applications.renewal.hooks import REPEAT_EXCHANGE_REMINDER
from sscard.applications.renewal.permissions import APPLY_EXCHANGE, APPLY_REPLACEMENT, APPLY_UPGRADE
from sscard.applications.renewal.rules import ExchangeReason
from sscard.applications.service import NewApplication, RepresentativeInput
from sscard.cards.entities import Card
from sscard.cards.legacy import service as legacy
from sscard.cards.legacy.rules import OldCard
from sscard.cards.lifecycle import CardEvent, FinancialStatus, HrStatus
from sscard.cards.service import load, transition
from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, NotFound
from sscard.platform.notify import service as notifications
from sscard.registry import repository as registry
from sscard.registry.corrections import repository as corrections_repo
from sscard.registry.credit import service as credit
from sscard.registry.reference import repository as reference
from sscard.registry.reference.entities import Outlet
from sscard.registry.reference.policy import CityPolicy, FeeKind


@dataclass(frozen=True)
class Replacement:
    card_number: str
    bank_code: str | None = None  # default: the old card's bank
    representative: RepresentativeInput | None = None


@dataclass(frozen=True)
class Exchange:
    card_number: str
    reason: ExchangeReason
    old_card_returned: bool
    bank_code: str | None = None  # only for a change of bank
    representative: RepresentativeInput | None = None


@dataclass(frozen=True)
class Upgrade:
    person_id: int
    bank_code: str
    old_card: OldCard
    representative: RepresentativeInput | None = None


class FormalLossFirst(DomainError):
    code = "formal_loss_first"
    status = 409
    rule = "REP-1"
    message_zh = "补卡须先办理正式挂失（当前卡片状态：{state}）"
    message_en = "A replacement needs a formal loss first (the card is '{state}')"


async def submit_replacement(ctx: Ctx, req: Replacement) -> dict[str, Any]:
    """REP-1: after a formal loss; the old card is dead from this moment (LOSS-4)."""
    authorize(ctx.actor, APPLY_REPLACEMENT)
    card = await load(ctx, req.card_number)
    if card.hr_status != HrStatus.FORMALLY_LOST:
        raise FormalLossFirst(field="card_number", state=card.hr_status)
    outlet, person, policy = await service.at_counter(
        ctx, APPLY_REPLACEMENT, card.person_id, req.representative, service.refuse_open_application
    )
    bank = (req.bank_code or card.bank_code).upper()
    await _check_new_bank(ctx, outlet, card, bank, None, policy)
    await transition(ctx, card, CardEvent.APPLY_REPLACEMENT, "补卡")
    new = NewApplication(
        ApplicationKind.REPLACEMENT, person["id"], bank, FeeKind.REPLACEMENT, card.id
    )
    return await _accept(ctx, outlet, policy, new, req.representative)


async def submit_exchange(ctx: Ctx, req: Exchange) -> dict[str, Any]:
    """REP-2 a-e: an active card exchanged for its reason; the old card is taken back (REP-3)."""
    authorize(ctx.actor, APPLY_EXCHANGE)
    card = await load(ctx, req.card_number)
    outlet, person, policy = await service.at_counter(
        ctx, APPLY_EXCHANGE, card.person_id, req.representative, service.refuse_open_application
    )
    if not req.old_card_returned:
        raise renewal.OldCardNotReturned(field="old_card_returned")
    for check in EXCHANGE_CHECKS:  # REP-4: a transport balance is refunded first
        await check(ctx, card)
    renewal.check_exchange_place(req.reason, outlet.kind, policy)
    await _check_evidence(ctx, card, req.reason)
    bank = (req.bank_code or card.bank_code).upper()
    await _check_new_bank(ctx, outlet, card, bank, req.reason, policy)
    await transition(ctx, card, CardEvent.APPLY_EXCHANGE, f"换卡：{req.reason.value}")
    new = NewApplication(
        ApplicationKind.EXCHANGE,
        person["id"],
        bank,
        renewal.EXCHANGE_FEE[req.reason],
        card.id,
        req.reason.value,
    )
    return await _accept(ctx, outlet, policy, new, req.representative)


async def submit_upgrade(ctx: Ctx, req: Upgrade) -> dict[str, Any]:
    """GEN-3: a holder of a gen-1/gen-2 card applies for gen 3; the old card is recorded."""
    authorize(ctx.actor, APPLY_UPGRADE)
    outlet, person, policy = await service.at_counter(
        ctx, APPLY_UPGRADE, req.person_id, req.representative, service.refuse_second_card
    )
    bank = req.bank_code.upper()
    await service.check_bank(ctx, outlet, bank)
    renewal.check_upgrade(req.old_card, bank, policy)
    old_bank = req.old_card.bank_code
    if old_bank and not await reference.existing_bank_codes(ctx.conn, [old_bank]):
        raise NotFound(field="old_card.bank_code", what_zh="银行", what_en="Bank")
    if req.old_card.issuer_city_code and not await reference.get_city(
        ctx.conn, req.old_card.issuer_city_code
    ):
        raise NotFound(field="old_card.issuer_city_code", what_zh="城市", what_en="City")
    new = NewApplication(ApplicationKind.UPGRADE, person["id"], bank, FeeKind.UPGRADE)
    app_id = await service.accept(ctx, outlet, policy, new)
    await legacy.record_old_card(ctx, person["id"], app_id, req.old_card)
    if req.representative:
        await service.store_representative(ctx, app_id, req.representative)
    return await _answer(ctx, await service.make_if_instant(ctx, outlet, app_id))


async def _check_new_bank(
    ctx: Ctx,
    outlet: Outlet,
    card: Card,
    bank: str,
    reason: ExchangeReason | None,
    policy: CityPolicy,
) -> None:
    financial = FinancialStatus(card.financial_status)
    renewal.check_bank(reason, card.bank_code, bank, financial, policy)
    await service.check_bank(ctx, outlet, bank)
    renewal.check_other_city(card.city_code, outlet.city_code, card.bank_code, financial)


async def _check_evidence(ctx: Ctx, card: Card, reason: ExchangeReason) -> None:
    if reason is ExchangeReason.EXPIRY:
        renewal.check_expiring(card.expiry_date, ctx.today)
    if reason in (ExchangeReason.BASE_DATA_CHANGE, ExchangeReason.NEW_PHOTO):
        renewal.check_reason_evidence(
            reason,
            card.created_at,
            await corrections_repo.last_correction_at(ctx.conn, card.person_id),
            await registry.photo_taken_at(ctx.conn, card.person_id),
        )


async def _accept(
    ctx: Ctx,
    outlet: Outlet,
    policy: CityPolicy,
    new: NewApplication,
    rep: RepresentativeInput | None,
) -> dict[str, Any]:
    app_id = await service.accept(ctx, outlet, policy, new)
    if rep:
        await service.store_representative(ctx, app_id, rep)
    await _remind_repeat_cases(ctx, new.person_id)
    return await _answer(ctx, await service.make_if_instant(ctx, outlet, app_id))


async def _answer(ctx: Ctx, app: dict[str, Any]) -> dict[str, Any]:
    """The new application as the clerk sees it, with the person's HR credit record entries
    as warnings (REP-5: malicious repeats affect their HR business)."""
    body = await service.detail(ctx, app)
    body["credit_warnings"] = await credit_warnings(ctx, app["person_id"])
    return body


async def credit_warnings(ctx: Ctx, person_id: int) -> list[dict[str, Any]]:
    """REP-5: what the person's HR credit record holds, for the clerk taking new business."""
    return [
        {"kind": e.kind, "kind_zh": e.kind_zh, "rule": e.rule, "at": e.at}
        for e in await credit.credit_entries(ctx.conn, person_id)
    ]


async def _remind_repeat_cases(ctx: Ctx, person_id: int) -> None:
    """REP-5: the fourth replacement/exchange within a month, and each after, sends an SMS."""
    since = renewal.month_before(ctx.now)
    count = await repo.renewals_since(ctx.conn, person_id, since)
    if renewal.is_repeat_case(count):
        await notifications.enqueue(
            ctx.conn,
            person_id=person_id,
            template=REPEAT_EXCHANGE_REMINDER.code,
            params={"count": count},
            at=ctx.now,
        )
