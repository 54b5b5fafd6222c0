"""The transport wallet's use cases (SPEC TRN-1..4, LOSS-6, REP-4): load the purse at a
transport outlet, top it up in two steps, read it, refund and close it; and the exchange check
that keeps a card with money in its purse from being exchanged.

The purse is anonymous (LOSS-6): nothing here reads or answers anything of the holder, and the
outlet needs the card in hand, not the holder's document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib.resources import files
from typing import Any

from sscard.cards import service as cards
from sscard.cards.entities import Card
from sscard.cards.lifecycle import CardUse
from sscard.kernel.actor import Role, authorize
from sscard.kernel.clock import CHINA
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import Conflict, Forbidden, NotFound, invalid
from sscard.kernel.masking import mask_number
from sscard.registry.reference import repository as reference_repo
from sscard.registry.reference import service as reference
from sscard.scenes.rules import SceneKind, SceneUse, use_not_offered
from sscard.scenes.service import Terminal
from sscard.transport import repository as repo
from sscard.transport import rules
from sscard.transport.permissions import (
    LOAD_TRANSPORT,
    REFUND_TRANSPORT,
    TOP_UP_AT_TERMINAL,
    TOP_UP_TRANSPORT,
    VIEW_TRANSPORT,
    VIEW_TRANSPORT_CLEARING,
)
from sscard.transport.rules import (
    CounterFinding,
    PurseStatus,
    TopUpChannel,
    TopUpEvent,
    TopUpState,
)


class PurseAlreadyLoaded(Conflict):
    code = "purse_already_loaded"
    rule = "TRN-1"
    message_zh = "该卡已开通交通联合功能"
    message_en = "The card has its transport purse loaded already"


class CardCannotLoad(Conflict):
    code = "card_cannot_load_transport"
    rule = "TRN-1"
    message_zh = "该卡不能开通交通联合功能：{reason_zh}"
    message_en = "The card cannot take the transport purse: {reason_en}"


class TransportBalanceHeld(Conflict):
    code = "transport_balance_held"
    rule = "REP-4"
    message_zh = (
        "该卡交通钱包尚有余额{yuan}元，须先到交通（市民卡）运营机构自有网点办理退值，再换卡"
    )
    message_en = (
        "The card's transport purse still holds {yuan} yuan: refund it at the transport "
        "operator's own outlet first, then exchange the card"
    )


class ReferenceReused(Conflict):
    code = "reference_reused"
    rule = "TRN-2"
    message_zh = "该参考号已用于另一笔充值"
    message_en = "The reference was used for another top-up"


class CounterRefused(Conflict):
    code = "counter_refused"
    rule = "TRN-3"
    message_zh = "卡片交易计数器{given}不能用于本次写卡：{reason_zh}"
    message_en = "The card's transaction counter {given} cannot go with this write: {reason_en}"


# ---- loading (TRN-1) ----


async def load_purse(ctx: Ctx, card_number: str) -> dict[str, Any]:
    """SPEC TRN-1: a transport outlet loads the T-Union application on a gen-3 card that may be
    used for transport now, and opens its empty purse in the outlet's city. PurseAlreadyLoaded,
    CardCannotLoad otherwise."""
    authorize(ctx.actor, LOAD_TRANSPORT)
    card = await cards.card_in_hand(ctx, card_number)
    if card.generation != 3:
        raise CardCannotLoad(
            field="card_number",
            reason_zh="仅第三代社保卡可开通",
            reason_en="only a third-generation card takes it",
        )
    said = cards.use_answer(ctx, card, CardUse.TRANSPORT)
    if not said.allowed:
        raise CardCannotLoad(
            field="card_number", reason_zh=said.reason_zh, reason_en=said.reason_en
        )
    row = {
        "card_id": card.id,
        "city_code": ctx.actor.city_code or card.city_code,
        "balance_fen": 0,
        "last_counter": None,
        "status": PurseStatus.OPEN.value,
        "loaded_at": ctx.now,
        "loaded_by": ctx.actor.id,
    }
    if not await repo.insert_purse(ctx.conn, row):
        earlier = await repo.purse_of_card(ctx.conn, card.id)
        if earlier is not None and earlier["status"] == PurseStatus.CLOSED.value:
            raise rules.purse_closed_error()
        raise PurseAlreadyLoaded(field="card_number")
    return await _view(ctx, card)


async def _purse(ctx: Ctx, card: Card) -> dict[str, Any]:
    purse = await repo.purse_of_card(ctx.conn, card.id)
    if purse is None:
        raise NotFound(field="card_number", what_zh="交通钱包", what_en="Transport purse")
    return purse


async def _view(ctx: Ctx, card: Card) -> dict[str, Any]:
    purse = await _purse(ctx, card)
    pending = await repo.top_ups(ctx.conn, purse["id"], [TopUpState.AUTHORISED.value])
    policy = await reference.policy_on(ctx, purse["city_code"])
    return {
        "card_number_masked": mask_number(card.card_number),
        "aid": rules.AID,
        "status": purse["status"],
        "city_code": purse["city_code"],
        "balance_fen": purse["balance_fen"],
        "cap_fen": policy.transport_balance_cap_fen,
        "last_counter": purse["last_counter"],
        "pending_top_ups": pending,
        "entries": await repo.entries(ctx.conn, purse["id"], 20),
        "loss_notice_zh": rules.LOSS_NOTICE_ZH,
        "loss_notice_en": rules.LOSS_NOTICE_EN,
    }


async def purse(ctx: Ctx, card_number: str) -> dict[str, Any]:
    """SPEC TRN-1/2, LOSS-6: the purse's balance, the city cap, pending top-ups and its last 20
    writes; nothing of the holder (it is anonymous). NotFound for a card with none."""
    authorize(ctx.actor, VIEW_TRANSPORT)
    return await _view(ctx, await cards.card_in_hand(ctx, card_number))


async def my_purse(ctx: Ctx) -> dict[str, Any]:
    """SPEC TRN-1, LOSS-6: the holder's own purse, on their newest card: balance, cap, pending
    top-ups and trips; `purse` None when that card has none loaded (and where to load it)."""
    authorize(ctx.actor, VIEW_TRANSPORT)
    if ctx.actor.role is not Role.CARDHOLDER or ctx.actor.person_id is None:
        raise OnlyTheHolder(field="person")
    card = await cards.newest_live_of(ctx, ctx.actor.person_id)
    if card is None or await repo.purse_of_card(ctx.conn, card.id) is None:
        zh = "请持卡到交通（市民卡）运营机构网点开通交通联合功能"
        en = "load it at a transport (citizen-card) outlet with the card"
        return {"purse": None, "where_zh": zh, "where_en": en}
    return {"purse": await _view(ctx, card), "where_zh": None, "where_en": None}


async def _locked(ctx: Ctx, purse: dict[str, Any]) -> dict[str, Any]:
    locked = await repo.lock_purse(ctx.conn, purse["id"])
    assert locked is not None
    return locked


class OnlyTheHolder(Forbidden):
    code = "only_the_holder"
    message_zh = "仅持卡人本人可在网上服务大厅查看自己的交通钱包"
    message_en = "Only the holder reads their own transport purse in the online hall"


class NotThisOutlet(Forbidden):
    code = "not_this_outlet"
    rule = "TRN-4"
    message_zh = "{what_zh}须在{where_zh}办理"
    message_en = "{what_en} is done at {where_en}"


def _in_its_city(ctx: Ctx, purse: dict[str, Any], rule: str) -> None:
    """TRN-2, TRN-4: a purse is topped up (`rule` TRN-2) and refunded (TRN-4) by its own city's
    operator's outlets."""
    if ctx.actor.city_code != purse["city_code"]:
        raise NotThisOutlet(field="card_number", rule=rule, what_zh="该交通钱包的充值和退值",
                            what_en="this purse's top-up and refund",
                            where_zh=f"开通地（{purse['city_code']}）运营机构的网点",
                            where_en=f"the operator's outlets of {purse['city_code']}")  # fmt: skip


def _by_who_authorised(ctx: Ctx, top_up: dict[str, Any]) -> None:
    """TRN-2: a top-up's write is confirmed or reversed where it was authorised."""
    if top_up["actor_id"] is not None and top_up["actor_id"] != ctx.actor.id:
        raise NotThisOutlet(field="reference", rule="TRN-2", what_zh="该充值的写卡确认或冲正",
                            what_en="confirming or reversing this top-up",
                            where_zh="授权该充值的柜员处",
                            where_en="the clerk who authorised it")  # fmt: skip


# ---- top-up in two steps (TRN-2) ----


@dataclass(frozen=True)
class TopUp:
    """A top-up asked for: the card, the amount in fen, the channel paid through and the
    channel's own reference (one top-up each)."""

    card_number: str
    amount_fen: int
    channel: TopUpChannel
    reference: str
    paid_with_bank: str | None = None  # a card account of this bank paid (an offer may apply)


async def authorise_top_up(ctx: Ctx, top_up: TopUp) -> dict[str, Any]:
    """SPEC TRN-2, step one: the top-up paid for and authorised within the city's cap (with
    the top-ups still pending); not yet in the balance. The same reference again with the same
    top-up is answered as before; with another, ReferenceReused. TopUpNotAllowed over the cap or
    on a closed purse."""
    authorize(ctx.actor, TOP_UP_TRANSPORT)
    return await _authorise_top_up(ctx, top_up)


async def _authorise_top_up(ctx: Ctx, top_up: TopUp) -> dict[str, Any]:
    card = await cards.card_in_hand(ctx, top_up.card_number)
    purse = await _locked(ctx, await _purse(ctx, card))
    _in_its_city(ctx, purse, "TRN-2")
    earlier = await repo.top_up_by_reference(ctx.conn, top_up.reference)
    if earlier is not None:
        return _again(earlier, purse, top_up)
    if purse["status"] != PurseStatus.OPEN.value:
        raise rules.purse_closed_error()
    policy = await reference.policy_on(ctx, purse["city_code"])
    pending = await repo.pending_fen(ctx.conn, purse["id"])
    rules.check_top_up(
        top_up.amount_fen, purse["balance_fen"], pending, policy.transport_balance_cap_fen
    )
    bank = await _paying_bank(ctx, top_up.paid_with_bank)
    paid, _ = rules.top_up_price(shipped_top_up_offers(), purse["city_code"], bank,
                                 ctx.today.isoformat(), top_up.amount_fen)  # fmt: skip
    row = {
        "reference": top_up.reference,
        "purse_id": purse["id"],
        "amount_fen": top_up.amount_fen,
        "channel": top_up.channel.value,
        "state": TopUpState.AUTHORISED.value,
        "authorised_at": ctx.now,
        "actor_id": ctx.actor.id,
        "paid_fen": paid,
        "paid_with_bank": bank,
    }
    if not await repo.insert_top_up(ctx.conn, row):  # the same top-up sent twice at once
        earlier = await repo.top_up_by_reference(ctx.conn, top_up.reference)
        if earlier is None:
            raise ReferenceReused(field="reference")
        return _again(earlier, purse, top_up)
    return _top_up_view(row, purse["balance_fen"])


def _again(earlier: dict[str, Any], purse: dict[str, Any], top_up: TopUp) -> dict[str, Any]:
    same = (earlier["purse_id"], earlier["amount_fen"], earlier["channel"]) == (
        purse["id"],
        top_up.amount_fen,
        top_up.channel.value,
    )
    if not same:
        raise ReferenceReused(field="reference")
    return _top_up_view(earlier, purse["balance_fen"])


async def _paying_bank(ctx: Ctx, given: str | None) -> str | None:
    """The bank the top-up is paid with: the one named (a known bank, InvalidInput otherwise),
    or at a bank's own outlet that bank (TRN-3: "or at its outlets")."""
    if given is not None:
        if not await reference_repo.existing_bank_codes(ctx.conn, [given]):
            raise invalid("paid_with_bank", "未知银行", "unknown bank")
        return given
    outlet = await reference_repo.get_outlet(ctx.conn, ctx.actor.outlet_id or 0)
    return outlet.bank_code if outlet is not None and outlet.kind == "bank" else None


@cache
def shipped_top_up_offers() -> tuple[rules.TopUpOffer, ...]:
    """TRN-3's bank-and-city top-up offers as shipped (transport/data/top_up_offers.json)."""
    text = files("sscard.transport").joinpath("data/top_up_offers.json").read_text("utf-8")
    return tuple(rules.TopUpOffer(**o) for o in json.loads(text)["offers"])


def _top_up_view(row: dict[str, Any], balance_fen: int) -> dict[str, Any]:
    return {
        "reference": row["reference"],
        "amount_fen": row["amount_fen"],
        "paid_fen": row.get("paid_fen") if row.get("paid_fen") is not None else row["amount_fen"],
        "paid_with_bank": row.get("paid_with_bank"),
        "channel": row["channel"],
        "state": row["state"],
        "authorised_at": row["authorised_at"],
        "balance_fen": balance_fen,
        "write_by": (row["authorised_at"] + rules.UNCONFIRMED_AFTER)
        if row["state"] == TopUpState.AUTHORISED.value
        else None,
    }


async def confirm_top_up(ctx: Ctx, reference: str, counter: int) -> dict[str, Any]:
    """SPEC TRN-2, step two: the terminal wrote the top-up to the card, whose transaction
    counter is now `counter`: the amount enters the balance, once. A counter the purse has
    seen, or one older than its last write, is refused (CounterRefused); a reversed top-up
    cannot be confirmed (TopUpNotPending: the card is put right at an outlet)."""
    authorize(ctx.actor, TOP_UP_TRANSPORT)
    return await _confirm_top_up(ctx, reference, counter)


async def _confirm_top_up(ctx: Ctx, reference: str, counter: int) -> dict[str, Any]:
    found = await _top_up(ctx, reference)
    purse = await _locked(ctx, {"id": found["purse_id"]})
    _by_who_authorised(ctx, found)
    rules.next_top_up_state(TopUpState(found["state"]), TopUpEvent.CONFIRM)
    _check_counter(purse["last_counter"], counter)
    if not await repo.end_top_up(ctx.conn, found["id"], TopUpState.CONFIRMED, ctx.now, counter):
        raise rules.top_up_not_pending("ended", "结束", TopUpEvent.CONFIRM)
    after = await repo.credit(ctx.conn, purse["id"], found["amount_fen"], counter)
    if after is None:
        raise rules.purse_closed_error()
    entry = {
        "purse_id": purse["id"],
        "at": ctx.now,
        "kind": "top_up",
        "amount_fen": found["amount_fen"],
        "balance_after_fen": after,
        "counter": counter,
        "reference": f"top_up:{reference}",
    }
    if not await repo.insert_entry(ctx.conn, entry):
        raise CounterRefused(
            field="counter",
            given=counter,
            reason_zh="该计数器已有写卡记录",
            reason_en="a write with this counter is recorded",
        )
    return _top_up_view({**found, "state": TopUpState.CONFIRMED.value}, after)


def _check_counter(last: int | None, given: int) -> None:
    if not 0 <= given <= rules.MAX_COUNTER:
        raise invalid("counter", f"须为0至{rules.MAX_COUNTER}", f"must be 0 to {rules.MAX_COUNTER}")
    finding = rules.judge_counter(last, given, False)
    if finding is CounterFinding.SEEN:
        raise CounterRefused(field="counter", given=given, reason_zh="已被上一笔写卡使用",
                             reason_en="it was used by the last write recorded")  # fmt: skip
    if finding is CounterFinding.BEHIND:
        raise CounterRefused(
            field="counter",
            given=given,
            reason_zh=f"早于已记录的{last}",
            reason_en=f"older than {last}, already recorded",
        )


async def _top_up(ctx: Ctx, reference: str) -> dict[str, Any]:
    found = await repo.top_up_by_reference(ctx.conn, reference)
    if found is None:
        raise NotFound(field="reference", what_zh="充值", what_en="Top-up")
    return found


async def reverse_top_up(ctx: Ctx, reference: str) -> dict[str, Any]:
    """SPEC TRN-2: the terminal could not write the top-up to the card: it is reversed (paid
    back through its channel), never in the balance. TopUpNotPending once confirmed."""
    authorize(ctx.actor, TOP_UP_TRANSPORT)
    return await _reverse_top_up(ctx, reference)


async def _reverse_top_up(ctx: Ctx, reference: str) -> dict[str, Any]:
    found = await _top_up(ctx, reference)
    await _locked(ctx, {"id": found["purse_id"]})
    _by_who_authorised(ctx, found)
    rules.next_top_up_state(TopUpState(found["state"]), TopUpEvent.REVERSE)
    if not await repo.end_top_up(ctx.conn, found["id"], TopUpState.REVERSED, ctx.now, None):
        raise rules.top_up_not_pending("ended", "结束", TopUpEvent.REVERSE)
    purse = await repo.purse_by_id(ctx.conn, found["purse_id"])
    assert purse is not None
    return _top_up_view({**found, "state": TopUpState.REVERSED.value}, purse["balance_fen"])


async def reverse_unconfirmed(ctx: Ctx) -> int:
    """SPEC TRN-2: every top-up authorised longer than UNCONFIRMED_AFTER ago and never
    confirmed was not written: reversed, in one statement (the worker's job)."""
    return await repo.reverse_authorised_before(
        ctx.conn, ctx.now - rules.UNCONFIRMED_AFTER, ctx.now
    )


# ---- refund (TRN-4, REP-4) ----


async def refund_purse(ctx: Ctx, card_number: str) -> dict[str, Any]:
    """SPEC TRN-4: the operator's own outlet pays out the balance and closes the purse. Refused
    while a top-up waits to be written (TopUpNotAllowed: confirm or reverse it first)."""
    authorize(ctx.actor, REFUND_TRANSPORT)
    card = await cards.card_in_hand(ctx, card_number)
    purse = await _locked(ctx, await _purse(ctx, card))
    _in_its_city(ctx, purse, "TRN-4")
    if purse["status"] != PurseStatus.OPEN.value:
        raise rules.purse_closed_error()
    if await repo.pending_fen(ctx.conn, purse["id"]):
        raise rules.RefundNotAllowed(
            field="card_number",
            reason_zh="尚有待写卡的充值，请先确认或冲正",
            reason_en="a top-up waits to be written: confirm or reverse it",
        )
    paid = await repo.close(ctx.conn, purse["id"], ctx.now)
    if paid is None:
        raise rules.purse_closed_error()
    entry = {
        "purse_id": purse["id"],
        "at": ctx.now,
        "kind": "refund",
        "amount_fen": -paid,
        "balance_after_fen": 0,
        "counter": None,
        "reference": f"refund:{purse['id']}",
    }
    await repo.insert_entry(ctx.conn, entry)
    return {**await _view(ctx, card), "refunded_fen": paid}


async def refuse_exchange_with_balance(ctx: Ctx, card: Card) -> None:
    """SPEC REP-4: a card whose purse holds money is not exchanged (TransportBalanceHeld, which
    says where to go); an empty or closed purse, or none, lets the exchange go on."""
    purse = await repo.purse_of_card(ctx.conn, card.id)
    if purse is None or purse["status"] != PurseStatus.OPEN.value:
        return
    held = purse["balance_fen"] + await repo.pending_fen(ctx.conn, purse["id"])
    if held > 0:
        raise TransportBalanceHeld(field="card_number", yuan=f"{held / 100:.2f}")


# ---- the daily clearing between cities (item 5) ----


async def clearing(ctx: Ctx, day: date) -> dict[str, Any]:
    """SPEC TRN-1, TRN-3: the fares taken on `day` (Beijing time), by transit operator, city,
    the card's city and mode, with what each city's operators collected from cards of other
    cities (what those cities' card issuers owe them). A city's centre sees what involves its
    city. InvalidInput for a day in the future or before the regulation (2022-10-01)."""
    authorize(ctx.actor, VIEW_TRANSPORT_CLEARING)
    if not date(2022, 10, 1) <= day <= ctx.today:
        raise invalid(
            "day", "须为2022-10-01至今天之间的日期", "must be a day from 2022-10-01 to today"
        )
    start = datetime.combine(day, time(0), CHINA)
    scope = ctx.actor.city_code if ctx.actor.role is Role.CENTRE_ADMIN else None
    rows = await repo.fares_by_operator_and_card_city(ctx.conn, start, start + timedelta(days=1),
                                                      scope)  # fmt: skip
    owed: dict[tuple[str, str], dict[str, int]] = {}
    for r in rows:
        r["collected_fen"] = int(r["collected_fen"] or 0)
        r["from_another_city"] = r["card_city_code"] != r["city_code"]
        if r["from_another_city"]:
            key = (r["city_code"], r["card_city_code"])
            pair = owed.setdefault(key, {"fares": 0, "collected_fen": 0})
            pair["fares"] += r["fares"]
            pair["collected_fen"] += r["collected_fen"]
    between = [{"collected_in": k[0], "cards_of": k[1], **v} for k, v in sorted(owed.items())]
    return {"day": day, "rows": rows, "between_cities": between}


# ---- kiosks and phones (TRN-2) ----

TERMINAL_CHANNELS = {
    SceneKind.TOP_UP_KIOSK: TopUpChannel.KIOSK,
    SceneKind.NFC_APP: TopUpChannel.NFC,
}


def _top_up_terminal(ctx: Ctx, terminal: Terminal) -> TopUpChannel:
    """A self-service kiosk's or a phone app's terminal, signing; its channel."""
    authorize(ctx.actor, TOP_UP_AT_TERMINAL)
    refused = use_not_offered(terminal.kind, SceneUse.TOP_UP)
    if refused is not None:
        raise invalid("terminal", refused.reason_zh, refused.reason_en)
    return TERMINAL_CHANNELS[terminal.kind]


async def authorise_at_terminal(ctx: Ctx, terminal: Terminal, top_up: TopUp) -> dict[str, Any]:
    """SPEC TRN-2 at a kiosk or by phone NFC: as authorise_top_up, the channel the terminal's;
    the purse's city's terminals only."""
    channel = _top_up_terminal(ctx, terminal)
    return await _authorise_top_up(ctx, replace(top_up, channel=channel))


async def confirm_at_terminal(
    ctx: Ctx, terminal: Terminal, reference: str, counter: int
) -> dict[str, Any]:
    """SPEC TRN-2: the kiosk or phone that authorised the top-up confirms its write."""
    _top_up_terminal(ctx, terminal)
    return await _confirm_top_up(ctx, reference, counter)


async def reverse_at_terminal(ctx: Ctx, terminal: Terminal, reference: str) -> dict[str, Any]:
    """SPEC TRN-2: the kiosk or phone whose write failed reverses the top-up."""
    _top_up_terminal(ctx, terminal)
    return await _reverse_top_up(ctx, reference)
