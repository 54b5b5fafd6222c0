"""Collections by mandate (SPEC PAY-1): payees registered by the province, mandates signed and
revoked by holders in the online hall, debits asked by payees under them, routed to the
holder's newest card account with an active financial function and sent to its bank as a
debit instruction through the outbox; the bank's signed answer ends each debit once."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

from sscard.actors import service as actors
from sscard.banks.protocol import Topic
from sscard.banks.service import verify_bank_signature
from sscard.cards.events import card_key
from sscard.cards.lifecycle import FinancialStatus, HrStatus
from sscard.kernel.actor import Role, authorize
from sscard.kernel.clock import business_date
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import Row
from sscard.kernel.errors import Forbidden, NotFound, invalid
from sscard.kernel.text import normalise_number
from sscard.payments import rules as payment_rules
from sscard.payments.collections import repository as repo
from sscard.payments.collections import rules
from sscard.payments.collections.permissions import (
    ANSWER_DEBITS,
    REGISTER_PAYEE,
    REQUEST_DEBIT,
    SIGN_MANDATE,
    VIEW_DEBITS,
    VIEW_MY_MANDATES,
    VIEW_PAYEE_MANDATES,
)
from sscard.payments.collections.rules import (
    CollectionKind,
    DebitReferenceReused,
    DebitStatus,
    MandateAlreadyRevoked,
    MandateExists,
    MandateNotActive,
    MandateStatus,
    OverMandateLimit,
)
from sscard.payments.rules import AnswerConflicts, bank_refusal_texts
from sscard.platform.history import Change, record
from sscard.platform.outbox import service as outbox

# ---- payees ----


async def register_payee(
    ctx: Ctx, code: str, name_zh: str, name_en: str, kind: str, renew: bool = False
) -> Row:
    """Register (or change) a payee's system and what it collects; its token is shown once:
    when first registered, or renewed (the old one stops working). InvalidInput naming code,
    name_zh, name_en or kind."""
    authorize(ctx.actor, REGISTER_PAYEE)
    if not rules.PAYEE_CODE.fullmatch(code):
        raise invalid("code", "须为3至16位大写字母、数字、_或-", "3 to 16 of A-Z, 0-9, _ or -")
    for field, name in (("name_zh", name_zh), ("name_en", name_en)):
        if not name.strip() or len(name) > 64:
            raise invalid(field, "须为1至64个字符", "must be 1 to 64 characters")
    if kind not in {k.value for k in CollectionKind}:
        listed = ", ".join(k.value for k in CollectionKind)
        raise invalid("kind", f"须从以下选择：{listed}", f"choose from: {listed}")
    existing = await repo.payee(ctx.conn, code)
    values: Row = {"name_zh": name_zh.strip(), "name_en": name_en.strip(), "kind": kind}
    token = None
    if existing is None or renew:
        name = f"代扣收费单位 {name_zh.strip()}"[:64]
        actor_id, token = await actors.system_actor(ctx, Role.PAYEE, name, None)
        values["actor_id"] = actor_id
    if existing is None:
        row = {"code": code, "active": True, "registered_at": ctx.now, **values}
        await repo.insert_payee(ctx.conn, row)
    else:
        if renew:
            await actors.switch_off(ctx, existing["actor_id"])
        await repo.update_payee(ctx.conn, code, values)
    found = await repo.payee(ctx.conn, code)
    assert found is not None
    return {**_payee_view(found), "token": token}


async def list_payees(ctx: Ctx) -> list[Row]:
    """The payees, for the centre and for a holder choosing one to sign a mandate with."""
    if ctx.actor.role is not Role.CARDHOLDER:
        authorize(ctx.actor, VIEW_DEBITS)
    return [_payee_view(p) for p in await repo.all_payees(ctx.conn) if p["active"]]


def _payee_view(p: Row) -> Row:
    return {
        "code": p["code"],
        "name_zh": p["name_zh"],
        "name_en": p["name_en"],
        "kind": p["kind"],
        "kind_zh": CollectionKind(p["kind"]).label_zh,
        "registered_at": p["registered_at"],
    }


# ---- mandates, in the hall ----


def _holder(ctx: Ctx) -> int:
    if ctx.actor.role is not Role.CARDHOLDER or ctx.actor.person_id is None:
        raise OnlyTheHolder(field="person")
    return ctx.actor.person_id


class OnlyTheHolder(Forbidden):
    code = "only_the_holder"
    message_zh = "仅持卡人本人可在网上服务大厅签约、解约和查看代扣"
    message_en = "Only the holder signs, revokes and reads their mandates in the online hall"


async def sign_mandate(ctx: Ctx, payee_code: str, customer_number: str, max_amount_fen: int) -> Row:
    """SPEC PAY-1: the holder lets `payee_code` debit their card account for their account
    `customer_number` there, at most `max_amount_fen` in one period. MandateExists for the same
    payee account twice; InvalidInput for the terms or an unknown payee."""
    authorize(ctx.actor, SIGN_MANDATE)
    person_id = _holder(ctx)
    payee = await repo.payee(ctx.conn, payee_code)
    if payee is None or not payee["active"]:
        raise invalid("payee_code", "未登记的收费单位", "not a registered payee")
    customer = customer_number.strip()
    problem = rules.mandate_problem(max_amount_fen, customer)
    if problem is not None:
        raise invalid(*problem)
    existing = await repo.active_mandate_for(ctx.conn, person_id, payee_code, customer)
    if existing is not None:
        raise MandateExists(
            field="customer_number", customer=customer, reference=existing["reference"]
        )
    reference = f"MD{ctx.today:%Y%m%d}{secrets.token_hex(4).upper()}"
    mandate_id = await repo.insert_mandate(
        ctx.conn,
        {
            "reference": reference,
            "person_id": person_id,
            "payee_code": payee_code,
            "customer_number": customer,
            "max_amount_fen": max_amount_fen,
            "status": MandateStatus.ACTIVE.value,
            "signed_at": ctx.now,
            "channel": ctx.actor.channel.value,
        },
    )
    if mandate_id is None:  # the same mandate signed at the same moment
        taken = await repo.active_mandate_for(ctx.conn, person_id, payee_code, customer)
        ref = taken["reference"] if taken else "-"
        raise MandateExists(field="customer_number", customer=customer, reference=ref)
    change = Change("mandate", mandate_id, "signed", None, MandateStatus.ACTIVE.value, payee_code)
    await record(ctx.conn, ctx.actor, ctx.now, change)
    return await _my_mandate(ctx, reference)


async def revoke_mandate(ctx: Ctx, reference: str) -> Row:
    """The holder ends a mandate: no debit may be asked under it from now on; debits already
    sent to the bank are answered as they are. NotFound for another person's mandate;
    MandateAlreadyRevoked for one revoked before (also by a revocation at the same moment)."""
    authorize(ctx.actor, SIGN_MANDATE)
    mandate = await _own_mandate(ctx, reference)
    if mandate["status"] != MandateStatus.ACTIVE.value or not await repo.revoke_mandate(
        ctx.conn, mandate["id"], ctx.now
    ):
        raise await _revoked_before(ctx, reference)
    change = Change(
        "mandate", mandate["id"], "revoked", MandateStatus.ACTIVE.value, "revoked", None
    )
    await record(ctx.conn, ctx.actor, ctx.now, change)
    return await _my_mandate(ctx, reference)


async def _revoked_before(ctx: Ctx, reference: str) -> MandateAlreadyRevoked:
    found = await repo.mandate_by_reference(ctx.conn, reference)
    at = found["revoked_at"] if found else None
    day = business_date(at).isoformat() if at else "-"
    return MandateAlreadyRevoked(field="reference", reference=reference, at=day)


async def _own_mandate(ctx: Ctx, reference: str) -> Row:
    person_id = _holder(ctx)
    mandate = await repo.mandate_by_reference(ctx.conn, reference)
    if mandate is None or mandate["person_id"] != person_id:
        raise NotFound(field="reference", what_zh="代扣协议", what_en="Mandate")
    return mandate


async def _my_mandate(ctx: Ctx, reference: str) -> Row:
    for m in await my_mandates(ctx):
        if m["reference"] == reference:
            return m
    raise NotFound(field="reference", what_zh="代扣协议", what_en="Mandate")


async def my_mandates(ctx: Ctx) -> list[Row]:
    """The holder's mandates, newest first, each with its payee."""
    authorize(ctx.actor, VIEW_MY_MANDATES)
    rows = await repo.mandates_of_person(ctx.conn, _holder(ctx))
    return [_mandate_view(r) for r in rows]


async def payee_mandates(
    ctx: Ctx, customer_number: str | None, after_id: int | None, limit: int
) -> list[Row]:
    """SPEC PAY-1: the mandates signed with the calling payee (the provincial centre and the
    auditor: every payee's), newest first, of one customer number if given: how a payee's
    system learns the mandate reference to debit under."""
    authorize(ctx.actor, VIEW_PAYEE_MANDATES)
    code = None
    if ctx.actor.role is Role.PAYEE:
        own = await repo.payee_of_actor(ctx.conn, ctx.actor.id or 0)
        code = own["code"] if own else "-"
    if customer_number is not None:
        customer_number = normalise_number(customer_number)
    rows = await repo.mandates_of_payee(ctx.conn, code, customer_number, after_id, limit)
    return [{**_mandate_view(r), "mandate_id": r["id"]} for r in rows]


def _mandate_view(r: Row) -> Row:
    return {
        "reference": r["reference"],
        "payee_code": r["payee_code"],
        "payee_name_zh": r["name_zh"],
        "payee_name_en": r["name_en"],
        "kind": r["kind"],
        "customer_number": r["customer_number"],
        "max_amount_fen": r["max_amount_fen"],
        "status": r["status"],
        "signed_at": r["signed_at"],
        "revoked_at": r["revoked_at"],
    }


async def my_debits(ctx: Ctx) -> list[Row]:
    """What payees took (or asked to take) from the holder's card accounts, newest first."""
    authorize(ctx.actor, VIEW_MY_MANDATES)
    rows = await repo.list_debits(ctx.conn, person_id=_holder(ctx), limit=100)
    return [_debit_view(r) for r in rows]


# ---- debits ----


async def request_debit(
    ctx: Ctx, mandate_reference: str, amount_fen: int, period: str, payee_reference: str
) -> Row:
    """SPEC PAY-1: a payee asks to debit `amount_fen` under a holder's mandate for `period`.
    Sent to the bank of the holder's newest card with an active financial function; refused at
    once (and kept, with the reason) when there is none. The same reference with the same debit
    answers as the first time, `duplicate` true; DebitReferenceReused otherwise;
    MandateNotActive; OverMandateLimit when the period's debits not refused would exceed the
    mandate's limit (counted under the mandate's row lock, so two at once cannot both fit)."""
    authorize(ctx.actor, REQUEST_DEBIT)
    payee = await repo.payee_of_actor(ctx.conn, ctx.actor.id or 0)
    if payee is None or not payee["active"]:
        raise NotFound(field="payee", what_zh="收费单位", what_en="Payee")
    _check_terms(amount_fen, period, payee_reference)
    mandate = await repo.mandate_by_reference(ctx.conn, mandate_reference, lock=True)
    if mandate is None or mandate["payee_code"] != payee["code"]:
        raise NotFound(field="mandate_reference", what_zh="代扣协议", what_en="Mandate")
    earlier = await repo.debit_by_reference(ctx.conn, payee["code"], payee_reference)
    if earlier is not None:
        same = (earlier["mandate_id"], earlier["amount_fen"], earlier["period"])
        if same != (mandate["id"], amount_fen, period):
            raise DebitReferenceReused(field="payee_reference", reference=payee_reference)
        return {**await _debit(ctx, earlier["id"]), "duplicate": True}
    if mandate["status"] != MandateStatus.ACTIVE.value:
        raise MandateNotActive(field="mandate_reference", reference=mandate_reference)
    limit = mandate["max_amount_fen"]
    taken = await repo.counted_in_period(ctx.conn, mandate["id"], period)
    left = rules.left_in_period(limit, taken)
    if amount_fen > left:
        raise OverMandateLimit(
            field="amount_fen",
            amount=_yuan(amount_fen),
            limit=_yuan(limit),
            period=period,
            taken=_yuan(taken),
            left=_yuan(left),
            left_fen=left,
        )
    card = await repo.newest_card(ctx.conn, mandate["person_id"])
    not_payable = _not_payable(card)
    row = {
        "payee_code": payee["code"],
        "payee_reference": payee_reference,
        "mandate_id": mandate["id"],
        "person_id": mandate["person_id"],
        "card_id": card["id"] if card and not not_payable else None,
        "bank_code": card["bank_code"] if card and not not_payable else None,
        "amount_fen": amount_fen,
        "period": period,
        "status": (DebitStatus.REFUSED if not_payable else DebitStatus.INSTRUCTED).value,
        "reason": not_payable,
        "created_at": ctx.now,
        "answered_at": ctx.now if not_payable else None,
    }
    debit_id = await repo.insert_debit(ctx.conn, row)
    if debit_id is None:  # the same reference taken at the same moment: answer as it did
        return await request_debit(ctx, mandate_reference, amount_fen, period, payee_reference)
    if card is not None and not not_payable:
        await outbox.enqueue(
            ctx.conn,
            topic=Topic.DEBIT_INSTRUCTION.value,
            recipient=card["bank_code"],
            ordering_key=card_key(card["id"]),
            payload={
                "debit_id": debit_id,
                "card_number": card["card_number"],
                "amount_fen": amount_fen,
                "payee_code": payee["code"],
                "kind": payee["kind"],
                "mandate_reference": mandate_reference,
                "period": period,
            },
            at=ctx.now,
        )
    return {**await _debit(ctx, debit_id), "duplicate": False}


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _check_terms(amount_fen: int, period: str, payee_reference: str) -> None:
    if isinstance(amount_fen, bool) or not 0 < amount_fen <= rules.MAX_DEBIT_FEN:
        zh = f"须为1至{rules.MAX_DEBIT_FEN}分"
        raise invalid("amount_fen", zh, f"1 to {rules.MAX_DEBIT_FEN} fen")
    if not rules.PERIOD.fullmatch(period):
        raise invalid("period", "所属期须为YYYY-MM", "the period must be YYYY-MM")
    if not rules.REFERENCE.fullmatch(payee_reference):
        raise invalid("payee_reference", "须为1至40位字母、数字、_或-", "1 to 40 of A-Z, 0-9, _, -")


def _not_payable(card: Row | None) -> str | None:
    """None when the newest card's account takes a debit; else why not (PAY-1, REP-3)."""
    if card is None:
        return "no_card"
    routing = payment_rules.route(
        HrStatus(card["hr_status"]),
        FinancialStatus(card["financial_status"]),
        card["cancellation_reason"] == "death",
    )
    if routing.reason is None:
        return None
    reason = routing.reason.value
    return "card_cancelled" if reason == "holder_deceased" else reason


async def _debit(ctx: Ctx, debit_id: int) -> Row:
    found = await repo.debit_with_mandate(ctx.conn, debit_id)
    assert found is not None
    return _debit_view(found)


def _debit_view(r: Row) -> Row:
    reason = r["reason"]
    texts = rules.NOT_PAYABLE.get(reason or "") or bank_refusal_texts(reason or "")
    return {
        "debit_id": r["id"],
        "payee_code": r["payee_code"],
        "payee_reference": r["payee_reference"],
        "mandate_reference": r["mandate_reference"],
        "customer_number": r["customer_number"],
        "amount_fen": r["amount_fen"],
        "period": r["period"],
        "status": r["status"],
        "reason": reason,
        "text_zh": texts[0] if reason else None,
        "text_en": texts[1] if reason else None,
        "bank_code": r["bank_code"],
        "created_at": r["created_at"],
        "answered_at": r["answered_at"],
    }


async def payee_debits(ctx: Ctx, limit: int = 100) -> list[Row]:
    """The newest debits: a payee its own, the centre all."""
    authorize(ctx.actor, VIEW_DEBITS)
    code = None
    if ctx.actor.role is Role.PAYEE:
        own = await repo.payee_of_actor(ctx.conn, ctx.actor.id or 0)
        code = own["code"] if own else "-"
    rows = await repo.list_debits(ctx.conn, payee_code=code, limit=limit)
    return [_debit_view(r) for r in rows]


async def debit_view(ctx: Ctx, debit_id: int) -> Row:
    """One debit; NotFound for another payee's."""
    authorize(ctx.actor, VIEW_DEBITS)
    found = await repo.debit(ctx.conn, debit_id)
    if found is not None and ctx.actor.role is Role.PAYEE:
        own = await repo.payee_of_actor(ctx.conn, ctx.actor.id or 0)
        if own is None or own["code"] != found["payee_code"]:
            found = None
    if found is None:
        raise NotFound(field="debit_id", what_zh="扣款", what_en="Debit")
    return await _debit(ctx, debit_id)


async def debit_totals(ctx: Ctx) -> list[Row]:
    """Count and sum of debits by payee and outcome, for the centre."""
    authorize(ctx.actor, VIEW_DEBITS)
    return [
        {**r, "count": int(r["count"]), "total_fen": int(r["total_fen"])}
        for r in await repo.debit_totals(ctx.conn)
    ]


# ---- the banks' answers ----


async def authenticate_bank(
    ctx: Ctx, headers: Mapping[str, str], body: bytes, tolerance_seconds: int
) -> None:
    """Refuse unless the body is signed with the answering bank's key, recently."""
    authorize(ctx.actor, ANSWER_DEBITS)
    await verify_bank_signature(ctx, headers, body, tolerance_seconds)


async def record_debit_answers(ctx: Ctx, debited: Sequence[int], refused: Mapping[int, str]) -> Row:
    """The bank's answers to its debits, each taken once: the same answer again is a
    duplicate; AnswerConflicts for a debit answered otherwise; NotFound for one that is not
    this bank's (nothing taken in either case)."""
    authorize(ctx.actor, ANSWER_DEBITS)
    ids = [*debited, *refused]
    rows = {r["id"]: r for r in await repo.debits_by_ids(ctx.conn, ids)}
    strangers = [i for i in ids if i not in rows or rows[i]["bank_code"] != ctx.actor.bank_code]
    if strangers:
        first = strangers[0]
        raise NotFound(field="answers", what_zh=f"扣款{first}", what_en=f"Debit {first}")
    conflicts = _debit_conflicts(rows, debited, refused)
    if conflicts:
        raise AnswerConflicts(field="answers", count=len(conflicts), example=conflicts[0])
    ended = await repo.end_debits(ctx.conn, list(debited), DebitStatus.DEBITED, None, ctx.now)
    for why in set(refused.values()):
        chosen = [i for i, w in refused.items() if w == why]
        ended += await repo.end_debits(ctx.conn, chosen, DebitStatus.REFUSED, why, ctx.now)
    if ended < len(ids):  # another answer may have ended some meanwhile: it must be this one
        now = {r["id"]: r for r in await repo.debits_by_ids(ctx.conn, ids)}
        late = _debit_conflicts(now, debited, refused)
        if late:
            raise AnswerConflicts(field="answers", count=len(late), example=late[0])
    return {"recorded": ended, "duplicates": len(ids) - ended}


def _debit_conflicts(
    rows: Mapping[int, Row], debited: Sequence[int], refused: Mapping[int, str]
) -> list[int]:
    late = [i for i in debited if rows[i]["status"] == DebitStatus.REFUSED.value]
    for i, why in refused.items():
        status = rows[i]["status"]
        if status == DebitStatus.DEBITED.value or (
            status == DebitStatus.REFUSED.value and rows[i]["reason"] != why
        ):
            late.append(i)
    return late
