"""The medical use cases (SPEC MED-1, MED-2, ISS-5): cross-region filings, the personal account
credited by the fund and debited only by settlements at designated institutions, refunds, and
the balance following the person's newest card.

The personal account is a ledger of its own, apart from the bank account: every change of a
balance is one conditional statement (never below zero) and one ledger entry whose reference is
unique for its kind, so a credit, a settlement, a refund or a move happens once however often
it is asked for. Nothing here withdraws: there is no operation that pays the balance out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sscard.cards import service as cards
from sscard.cards.entities import Card
from sscard.cards.legacy import service as legacy
from sscard.cards.lifecycle import HrStatus
from sscard.cards.passwords import service as passwords
from sscard.kernel.actor import Role, authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import Conflict, DomainError, NotFound, invalid
from sscard.kernel.masking import mask_number
from sscard.medical import repository as repo
from sscard.medical import rules
from sscard.medical.permissions import (
    CREDIT_MEDICAL_ACCOUNTS,
    FILE_CROSS_REGION,
    SETTLE_MEDICAL,
    VIEW_MEDICAL_ACCOUNT,
    VIEW_MEDICAL_LEDGER,
)
from sscard.medical.rules import FilingReason
from sscard.registry import service as registry
from sscard.registry.reference import service as reference
from sscard.scenes import service as scenes
from sscard.scenes.rules import Refusal, SceneUse
from sscard.scenes.service import Presented, Terminal

ENTRIES_SHOWN = 50


class NoMedicalCard(DomainError):
    code = "no_medical_card"
    status = 409
    rule = "MED-2"
    message_zh = "该人员没有承载医保功能的社保卡，无法划入个人账户"
    message_en = "The person has no card carrying the medical function to credit"


class SettlementRefReused(Conflict):
    code = "settlement_ref_reused"
    message_zh = "结算流水号{settlement_ref}已用于另一笔不同的结算"
    message_en = "The settlement number {settlement_ref} was used for a different settlement"


# ---- cross-region filings (MED-1) ----


@dataclass(frozen=True)
class Filing:
    """A filing asked for: where (a Jiangsu city or another province), why, from when to when."""

    destination_code: str
    reason: FilingReason
    valid_from: date
    valid_until: date | None


async def file_cross_region(ctx: Ctx, person_id: int | None, filing: Filing) -> dict[str, Any]:
    """SPEC MED-1: record a cross-region medical filing for the holder (person_id None: the
    signed-in holder) or, at an outlet or 12333, for a person whose document was presented.
    InvalidInput for a place, reason or dates the rules refuse (rules.check_filing)."""
    authorize(ctx.actor, FILE_CROSS_REGION)
    person = await _person(ctx, person_id)
    card = await cards.newest_live_of(ctx, person["id"])
    insured = card.city_code if card is not None else person["city_code"]
    if len(filing.destination_code) == 4:
        try:
            await reference.require_city(ctx, filing.destination_code)
        except NotFound:
            raise invalid("destination_code", "未知城市", "unknown city") from None
    rules.check_filing(
        filing.reason, filing.destination_code, insured, filing.valid_from, filing.valid_until,
        ctx.today,
    )  # fmt: skip
    row = {
        "person_id": person["id"],
        "insured_city_code": insured,
        "destination_code": filing.destination_code,
        "reason": filing.reason.value,
        "valid_from": filing.valid_from,
        "valid_until": filing.valid_until,
        "filed_at": ctx.now,
        "filed_by": ctx.actor.id,
    }
    await repo.insert_filing(ctx.conn, row)
    return await medical_record(ctx, person_id)


async def end_filing(ctx: Ctx, person_id: int | None, filing_id: int) -> dict[str, Any]:
    """End a filing in force (the holder back home); NotFound for none such of the person."""
    authorize(ctx.actor, FILE_CROSS_REGION)
    person = await _person(ctx, person_id)
    if not await repo.end_filing(ctx.conn, filing_id, person["id"], ctx.now):
        raise NotFound(field="filing_id", what_zh="备案", what_en="Filing")
    return await medical_record(ctx, person_id)


async def _person(ctx: Ctx, person_id: int | None) -> dict[str, Any]:
    if ctx.actor.role is Role.CARDHOLDER:
        if person_id is not None and person_id != ctx.actor.person_id:
            raise NotFound(field="person_id", what_zh="人员", what_en="Person")
        return await registry.require_person(ctx, ctx.actor.person_id or 0)
    if person_id is None:
        raise invalid("person_id", "必填", "is required")
    return await registry.person_to_act_on(ctx, person_id)


def _filing_view(row: dict[str, Any], today: date) -> dict[str, Any]:
    reason = FilingReason(row["reason"])
    ended = row["ended_at"] is not None
    return {
        "id": row["id"],
        "destination_code": row["destination_code"],
        "reason": reason.value,
        "reason_zh": rules.REASON_ZH[reason],
        "valid_from": row["valid_from"],
        "valid_until": row["valid_until"],
        "in_force": rules.valid_on(row["valid_from"], row["valid_until"], ended, today),
        "ended_at": row["ended_at"],
    }


# ---- the personal account (MED-2) ----


async def medical_record(ctx: Ctx, person_id: int | None) -> dict[str, Any]:
    """The personal account's balance in fen and its latest entries, with the filings: for the
    holder, 12333, an outlet (after the document) or the city's centre (MED-2)."""
    authorize(ctx.actor, VIEW_MEDICAL_ACCOUNT)
    person = await _person(ctx, person_id)
    accounts = await repo.accounts_of(ctx.conn, person["id"])
    open_ = [a for a in accounts if a["status"] == "open"]
    entries = await repo.entries_of(ctx.conn, [a["id"] for a in accounts], ENTRIES_SHOWN)
    filings = await repo.filings_of(ctx.conn, person["id"])
    card = await cards.newest_live_of(ctx, person["id"])
    return {
        "balance_fen": sum(a["balance_fen"] for a in open_),
        "card_number_masked": mask_number(card.card_number) if card else None,
        "entries": entries,
        "filings": [_filing_view(f, ctx.today) for f in filings],
    }


async def _account_for(ctx: Ctx, person_id: int) -> dict[str, Any]:
    """The person's open account, opened on the card carrying the medical function if there is
    none yet (the newest live card, else an older card not yet upgraded); NoMedicalCard."""
    found = await repo.open_accounts(ctx.conn, person_id)
    if found:
        return found[-1]
    card = await cards.newest_live_of(ctx, person_id)
    old = None
    if card is None or card.hr_status is HrStatus.PRODUCED:  # ISS-5: not before activation
        old = await legacy.medical_carrier(ctx, person_id)
    if old is not None:
        carrier: dict[str, Any] = {"legacy_card_id": old}
    elif card is not None:
        carrier = {"card_id": card.id}
    else:
        raise NoMedicalCard(field="social_security_number")
    row = {"person_id": person_id, "balance_fen": 0, "status": "open", "opened_at": ctx.now}
    account_id = await repo.insert_account(ctx.conn, row | carrier)
    return row | carrier | {"id": account_id}


def _entry(
    ctx: Ctx, account_id: int, kind: str, amount: int, after: int, ref: str
) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "at": ctx.now,
        "kind": kind,
        "amount_fen": amount,
        "balance_after_fen": after,
        "reference": ref,
        "actor_id": ctx.actor.id,
    }


@dataclass(frozen=True)
class Credit:
    """One credit by the fund: the person's social security number, the amount in fen, and the
    fund's own reference (once only)."""

    social_security_number: str
    amount_fen: int
    reference: str


async def credit_accounts(ctx: Ctx, credits: Sequence[Credit]) -> dict[str, Any]:
    """SPEC MED-2: the medical-insurance fund credits personal accounts. Each reference counts
    once: one seen before is answered `duplicate` and credits nothing (`refused`,
    reference_reused, if it came with another amount). A number with no person
    or no medical card is answered `refused` with the reason; the others are `credited`."""
    authorize(ctx.actor, CREDIT_MEDICAL_ACCOUNTS)
    refs = [f"fund:{c.reference}" for c in credits]
    if len(set(refs)) != len(refs):
        raise invalid("credits", "同一请求中参考号重复", "a reference appears twice")
    seen = await repo.credited(ctx.conn, refs)
    results = []
    for credit, ref in zip(credits, refs, strict=True):
        results.append(await _credit_one(ctx, credit, ref, seen.get(ref)))
    return {"results": results}


async def _credit_one(ctx: Ctx, credit: Credit, ref: str, seen_fen: int | None) -> dict[str, Any]:
    result: dict[str, Any] = {"reference": credit.reference, "outcome": "duplicate"}
    if seen_fen is not None and seen_fen != credit.amount_fen:
        return result | {"outcome": "refused", "code": "reference_reused",
                         "reason_zh": "该参考号已用于另一金额的划入",
                         "reason_en": "the reference was credited with another amount"}  # fmt: skip
    if seen_fen is not None:
        return result
    person_id = await registry.person_id_of_number(ctx, credit.social_security_number)
    if person_id is None:
        return result | {"outcome": "refused", "code": "not_found", "reason_zh": "无此人员",
                         "reason_en": "no such person"}  # fmt: skip
    try:
        account = await _account_for(ctx, person_id)
    except NoMedicalCard as no:
        return result | {"outcome": "refused", "code": no.code, "reason_zh": no.detail_zh,
                         "reason_en": no.detail_en}  # fmt: skip
    after = await repo.add_to_balance(ctx.conn, account["id"], credit.amount_fen)
    assert after is not None  # a credit cannot take an open account below zero
    await repo.insert_entries(
        ctx.conn, [_entry(ctx, account["id"], "credit", credit.amount_fen, after, ref)]
    )
    return result | {"outcome": "credited", "balance_after_fen": after}


async def move_to_card(ctx: Ctx, person_id: int, card_id: int) -> int:
    """SPEC ISS-5, REP-3: the new card now carries the medical function, so every other open
    account of the person gives its balance to the new card's account, exactly once (a move
    asked again finds the old account moved and does nothing). The count of accounts moved."""
    found = await repo.open_accounts(ctx.conn, person_id)
    others = [a for a in found if a["card_id"] != card_id]
    if not others:
        return 0
    target = await repo.account_on_card(ctx.conn, card_id)
    if target is None:
        row = {"person_id": person_id, "card_id": card_id, "balance_fen": 0, "status": "open",
               "opened_at": ctx.now}  # fmt: skip
        target_id = await repo.insert_account(ctx.conn, row)
    else:
        target_id = int(target["id"])
    moved = 0
    for old in others:
        moved += await _move(ctx, old, target_id)
    return moved


async def _move(ctx: Ctx, old: dict[str, Any], target_id: int) -> int:
    amount = old["balance_fen"]
    if not await repo.close_as_moved(ctx.conn, old["id"], amount, target_id, ctx.now):
        return 0
    if amount == 0:
        return 1
    after = await repo.add_to_balance(ctx.conn, target_id, amount)
    assert after is not None
    ref = f"move:{old['id']}"
    await repo.insert_entries(ctx.conn, [
        _entry(ctx, old["id"], "moved_out", -amount, 0, ref),
        _entry(ctx, target_id, "moved_in", amount, after, ref),
    ])  # fmt: skip
    return 1


# ---- settlements at designated institutions (MED-1, MED-2) ----


@dataclass(frozen=True)
class Visit:
    """A visit to settle: the institution's own settlement number, the total in fen and the
    part the fund covers (computed by the medical-insurance rules), the hr password if the
    holder typed it on the terminal's pad."""

    settlement_ref: str
    total_fen: int
    fund_fen: int
    hr_password: str | None = None


async def settle(
    ctx: Ctx, terminal: Terminal, presented: Presented, visit: Visit
) -> dict[str, Any]:
    """SPEC MED-1, MED-2, LOSS-5: a designated institution settles a visit by card or code. The
    card must be usable for medical; outside the insured city a filing in force for the place
    is needed; the holder's share comes from the personal account up to its balance (with the
    hr password when paid by card), the rest in cash. A settlement number seen before with the
    same visit is answered as before; with another, SettlementRefReused."""
    authorize(ctx.actor, SETTLE_MEDICAL)
    rules.split(visit.total_fen, visit.fund_fen, 0)  # the amounts, before anything is read
    earlier = await repo.settlement_by_ref(ctx.conn, terminal.operator_id, visit.settlement_ref)
    if earlier is not None:
        return await _again(ctx, earlier, presented, visit)
    plan: dict[str, Any] = {}

    async def scene_check(card: Card) -> Refusal | None:
        refusal = await _filing_refusal(ctx, card, terminal)
        if refusal is None:
            refusal = await _plan(ctx, card, presented, visit, plan)
        return refusal

    taken = await scenes.take(ctx, terminal, SceneUse.MEDICAL, presented, scene_check)
    answer = await scenes.answer(ctx, terminal, taken)
    if not taken.allowed:
        return answer
    assert taken.card is not None
    return answer | await _pay(ctx, terminal, taken, visit, plan)


async def _filing_refusal(ctx: Ctx, card: Card, terminal: Terminal) -> Refusal | None:
    return await filing_refusal(ctx, card, terminal.city_code)


async def filing_refusal(ctx: Ctx, card: Card, place_city: str) -> Refusal | None:
    """SPEC MED-1: None where the card's holder may be treated at `place_city` (a city code,
    GB/T 2260 four digits): their insured city, or a place a filing in force covers."""
    if not rules.needs_filing(card.city_code, place_city):
        return None
    filings = await repo.filings_of(ctx.conn, card.person_id)
    places = [f for f in filings if rules.covers(f["destination_code"], place_city)]
    if any(
        rules.valid_on(f["valid_from"], f["valid_until"], f["ended_at"] is not None, ctx.today)
        for f in places
    ):
        return None
    if places:
        return Refusal(
            "filing_not_in_force",
            "异地就医备案已过期或未生效",
            "the cross-region filing is expired or not yet in force",
            "MED-1",
        )
    return Refusal(
        "filing_missing",
        "参保地以外就医须先办理异地就医备案",
        "outside the insured city a cross-region filing is needed first",
        "MED-1",
    )


async def _plan(
    ctx: Ctx, card: Card, presented: Presented, visit: Visit, plan: dict[str, Any]
) -> Refusal | None:
    """How the holder's share is paid; by card, the account pays only with the hr password."""
    found = await repo.open_accounts(ctx.conn, card.person_id)
    account = found[-1] if found else None
    split = rules.split(visit.total_fen, visit.fund_fen, account["balance_fen"] if account else 0)
    plan.update(account=account, split=split)
    if split.account_fen == 0 or presented.card_number is None:
        return None
    if visit.hr_password is None:
        return Refusal(
            "hr_password_needed",
            "个人账户支付须输入社保密码",
            "paying from the personal account needs the hr password",
            "PWD-1",
        )
    try:
        verdict = await passwords.check_at_scene(ctx, card, visit.hr_password)
    except DomainError as no:
        return Refusal(no.code, no.detail_zh, no.detail_en, no.rule)
    if verdict["outcome"] == "verified":
        return None
    if verdict["outcome"] == "locked":
        return Refusal(
            "hr_password_locked",
            "社保密码已锁定，请到网点重置",
            "the hr password is locked; reset it at an outlet",
            "PWD-3",
        )
    left = verdict["remaining_tries"]
    return Refusal(
        "hr_password_wrong",
        f"社保密码不正确，还可尝试{left}次",
        f"the hr password is wrong; tries left: {left}",
        "PWD-3",
    )


async def _pay(
    ctx: Ctx, terminal: Terminal, taken: scenes.Taken, visit: Visit, plan: dict[str, Any]
) -> dict[str, Any]:
    split: rules.Split = plan["split"]
    account = plan["account"]
    assert taken.card is not None
    balance = account["balance_fen"] if account else 0
    row = {
        "operator_id": terminal.operator_id,
        "terminal_id": terminal.id,
        "settlement_ref": visit.settlement_ref,
        "scene_use_id": taken.event_id,
        "account_id": account["id"] if account else None,
        "card_id": taken.card.id,
        "at": ctx.now,
        "total_fen": visit.total_fen,
        "fund_fen": split.fund_fen,
        "account_fen": split.account_fen,
        "cash_fen": split.cash_fen,
    }
    settlement_id = await repo.insert_settlement(ctx.conn, row)
    if split.account_fen:
        after = await repo.add_to_balance(ctx.conn, account["id"], -split.account_fen)
        if after is None:  # the balance changed under us: the lock makes this unreachable
            raise Conflict(field="total_fen")
        balance = after
        ref = f"settlement:{settlement_id}"
        await repo.insert_entries(
            ctx.conn, [_entry(ctx, account["id"], "settlement", -split.account_fen, after, ref)]
        )
    return _settled(row, balance) | {"duplicate": False}


def _settled(row: dict[str, Any], balance_fen: int | None) -> dict[str, Any]:
    return {
        "settlement_ref": row["settlement_ref"],
        "total_fen": row["total_fen"],
        "fund_fen": row["fund_fen"],
        "account_fen": row["account_fen"],
        "cash_fen": row["cash_fen"],
        "balance_after_fen": balance_fen,
        "refunded": row.get("refunded_at") is not None,
    }


async def _again(
    ctx: Ctx, earlier: dict[str, Any], presented: Presented, visit: Visit
) -> dict[str, Any]:
    """The same settlement asked again: answered as it was, for the same holder and amounts
    only (SettlementRefReused otherwise, telling nothing of the first)."""
    card = await cards.behind(ctx, earlier["card_id"])
    same = (earlier["total_fen"], earlier["fund_fen"]) == (visit.total_fen, visit.fund_fen)
    if not same or await scenes.holder_shown(ctx, presented) != card.person_id:
        raise SettlementRefReused(field="settlement_ref", settlement_ref=visit.settlement_ref)
    balance = await repo.balance_after(ctx.conn, f"settlement:{earlier['id']}")
    return {
        "allowed": True,
        "use": SceneUse.MEDICAL.value,
        "credential": await scenes.credential_of_use(ctx, earlier["scene_use_id"]),
        "use_id": earlier["scene_use_id"],
        "code": "ok",
        "reason": None,
        "reason_zh": None,
        "reason_en": None,
        "rule": None,
        "card_number_masked": mask_number(card.card_number),
        "card_city_code": card.city_code,
        "holder": None,
        "duplicate": True,
    } | _settled(earlier, balance)


async def refund(ctx: Ctx, terminal: Terminal, settlement_ref: str) -> dict[str, Any]:
    """SPEC MED-2: the institution reverses one of its settlements: what the account paid goes
    back to the account that now carries the medical function. Once: a refund asked again is
    answered as before. NotFound for a settlement number the institution never used."""
    authorize(ctx.actor, SETTLE_MEDICAL)
    settled = await repo.settlement_by_ref(ctx.conn, terminal.operator_id, settlement_ref)
    if settled is None:
        raise NotFound(field="settlement_ref", what_zh="结算", what_en="Settlement")
    card = await cards.behind(ctx, settled["card_id"])
    if not await repo.mark_refunded(ctx.conn, settled["id"], ctx.now):
        balance = await _balance(ctx, card.person_id)
        return _settled(settled | {"refunded_at": True}, balance) | {"duplicate": True}
    if not settled["account_fen"]:
        balance = await _balance(ctx, card.person_id)
    else:
        account = await _account_for(ctx, card.person_id)
        after = await repo.add_to_balance(ctx.conn, account["id"], settled["account_fen"])
        assert after is not None
        balance = after
        ref = f"refund:{settled['id']}"
        await repo.insert_entries(
            ctx.conn, [_entry(ctx, account["id"], "refund", settled["account_fen"], after, ref)]
        )
    return _settled(settled | {"refunded_at": ctx.now}, balance) | {"duplicate": False}


async def balance_at_scene(ctx: Ctx, terminal: Terminal, presented: Presented) -> dict[str, Any]:
    """SPEC MED-2: a designated institution's terminal (a kiosk too) reads the balance of the
    card it is shown; the read is a recorded medical use."""
    authorize(ctx.actor, SETTLE_MEDICAL)
    taken = await scenes.take(ctx, terminal, SceneUse.MEDICAL, presented)
    answer = await scenes.answer(ctx, terminal, taken)
    if not taken.allowed or taken.card is None:
        return answer
    return answer | {"balance_fen": await _balance(ctx, taken.card.person_id)}


async def _balance(ctx: Ctx, person_id: int) -> int:
    """The balance of the person's open account (fen); 0 for a person with none yet."""
    found = await repo.open_accounts(ctx.conn, person_id)
    return int(found[-1]["balance_fen"]) if found else 0


# ---- the province's view of the ledger (MED-2) ----

LEDGER_DAYS_MAX = 366


async def ledger_overview(ctx: Ctx, days: int = 30) -> dict[str, Any]:
    """SPEC MED-2: what went into and out of all personal accounts over `days` days, by kind
    (credit, settlement, refund, moved_in, moved_out: entries and sum in fen), and the fund's
    newest 20 credits by reference; no account or person. InvalidInput for days outside 1-366."""
    authorize(ctx.actor, VIEW_MEDICAL_LEDGER)
    if not 1 <= days <= LEDGER_DAYS_MAX:
        raise invalid("days", "须为1至366", "must be 1 to 366")
    since = ctx.now - timedelta(days=days)
    totals = await repo.ledger_totals(ctx.conn, since)
    return {
        "days": days,
        "totals": [t | {"sum_fen": int(t["sum_fen"] or 0)} for t in totals],
        "recent_credits": [_credit_view(c) for c in await repo.recent_credits(ctx.conn, 20)],
    }


async def fund_credit(ctx: Ctx, reference: str) -> dict[str, Any]:
    """SPEC MED-2: whether the fund's credit under `reference` was booked, when and for how
    much (fen); NotFound if it was not (or was refused)."""
    authorize(ctx.actor, VIEW_MEDICAL_LEDGER)
    found = await repo.credit_entry(ctx.conn, f"fund:{reference}")
    if found is None:
        raise NotFound(field="reference", what_zh="基金划入记录", what_en="Fund credit")
    return _credit_view(found)


def _credit_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "reference": str(row["reference"]).removeprefix("fund:"),
        "at": row["at"],
        "amount_fen": int(row["amount_fen"]),
    }
