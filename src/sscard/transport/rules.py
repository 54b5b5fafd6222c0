"""The transport wallet's rules, pure (SPEC TRN-1..4, LOSS-6, REP-4).

Amounts are integer fen. A purse's balance is what sscard knows to be on the card: a top-up
counts only once the terminal confirms it wrote it (TRN-2), with the card's transaction
counter; every write to the card (a top-up or a fare) carries the next counter, so one seen
before is the same write sent again and a jump shows writes sscard has not seen yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Final

from sscard.kernel.errors import Conflict, DomainError, invalid
from sscard.scenes.rules import Refusal  # a reader's refusal is a scene's: the same answer

AID: Final = "A000000632010105"  # the T-Union transport application on the chip (TRN-1)
MAX_TOP_UP_FEN: Final = 100_000_00  # no single top-up is more than 100,000 yuan
MAX_FARE_FEN: Final = 1_000_00  # no single fare is more than 1,000 yuan
MAX_COUNTER: Final = 0xFFFF  # the purse's transaction counter is two bytes on the chip
# An authorised top-up that no terminal confirmed by then was not written: it is reversed.
UNCONFIRMED_AFTER: Final = timedelta(minutes=10)


class PurseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # refunded (退值) at the operator's outlet, TRN-4


class TopUpState(StrEnum):
    AUTHORISED = "authorised"  # paid for, not yet written to the card
    CONFIRMED = "confirmed"  # written: in the balance
    REVERSED = "reversed"  # never written: paid back, never in the balance


class TopUpEvent(StrEnum):
    CONFIRM = "confirm"
    REVERSE = "reverse"


# The top-up's lifecycle: a pair not here is refused (TRN-2).
TOP_UP_TABLE: Final = {
    (TopUpState.AUTHORISED, TopUpEvent.CONFIRM): TopUpState.CONFIRMED,
    (TopUpState.AUTHORISED, TopUpEvent.REVERSE): TopUpState.REVERSED,
}


class TopUpChannel(StrEnum):
    OUTLET = "outlet"  # a citizen-card outlet's counter
    KIOSK = "kiosk"  # a self-service machine
    NFC = "nfc"  # a phone's NFC, through a channel's app


class Mode(StrEnum):
    BUS = "bus"
    METRO = "metro"
    TRAM = "tram"
    FERRY = "ferry"


class TopUpNotAllowed(Conflict):
    code = "top_up_not_allowed"
    rule = "TRN-2"
    message_zh = "不能充值：{reason_zh}"
    message_en = "The top-up is refused: {reason_en}"


class TopUpNotPending(Conflict):
    code = "top_up_not_pending"
    rule = "TRN-2"
    message_zh = "该充值已{state_zh}，不能再{event_zh}"
    message_en = "The top-up is already {state}: it cannot be {event_done}"


STATE_ZH: Final = {
    TopUpState.AUTHORISED: "授权",
    TopUpState.CONFIRMED: "写卡确认",
    TopUpState.REVERSED: "冲正",
}
EVENT_ZH: Final = {TopUpEvent.CONFIRM: "确认", TopUpEvent.REVERSE: "冲正"}
EVENT_DONE: Final = {TopUpEvent.CONFIRM: "confirmed", TopUpEvent.REVERSE: "reversed"}


def next_top_up_state(state: TopUpState, event: TopUpEvent) -> TopUpState:
    """The table's next state, or TopUpNotPending (a confirmed one cannot be reversed, a
    reversed one cannot be confirmed: the terminal's write then needs the outlet)."""
    found = TOP_UP_TABLE.get((state, event))
    if found is None:
        raise top_up_not_pending(state.value, STATE_ZH[state], event)
    return found


def top_up_not_pending(state: str, state_zh: str, event: TopUpEvent) -> TopUpNotPending:
    """TopUpNotPending for `event` on a top-up already `state`."""
    return TopUpNotPending(state=state, state_zh=state_zh, event=event.value,
                           event_zh=EVENT_ZH[event], event_done=EVENT_DONE[event])  # fmt: skip


def check_top_up(amount_fen: int, balance_fen: int, pending_fen: int, cap_fen: int) -> None:
    """TRN-2: the balance, with the top-ups still pending and this one, stays within the city's
    cap. InvalidInput for an amount that is not 1 fen .. MAX_TOP_UP_FEN."""
    if not 1 <= amount_fen <= MAX_TOP_UP_FEN:
        raise invalid(
            "amount_fen", f"须为1至{MAX_TOP_UP_FEN}分", f"must be 1 to {MAX_TOP_UP_FEN} fen"
        )
    if balance_fen + pending_fen + amount_fen > cap_fen:
        room = max(0, cap_fen - balance_fen - pending_fen)
        raise TopUpNotAllowed(
            field="amount_fen",
            reason_zh=f"余额上限为{cap_fen / 100:.2f}元，至多还可充{room / 100:.2f}元",
            reason_en=f"the balance cap is {cap_fen / 100:.2f} yuan: at most {room / 100:.2f} "
            "yuan more",
        )


def fare_after_discount(fare_fen: int, percent: int) -> int:
    """TRN-3: the fare charged, `percent` of the full fare, rounded half up to the fen."""
    return (fare_fen * percent + 50) // 100


class CounterFinding(StrEnum):
    NEXT = "next"  # the write after the last one sscard saw
    GAP = "gap"  # writes sscard has not seen came between (reported, not refused)
    SEEN = "seen"  # a write with this counter is recorded (the last one, or sent again)
    BEHIND = "behind"  # older than the last, never recorded: refused


def judge_counter(last: int | None, given: int, seen_before: bool) -> CounterFinding:
    """TRN-3: what the card's transaction counter on a write says of it."""
    if seen_before or given == last:
        return CounterFinding.SEEN
    if last is None or given == last + 1:
        return CounterFinding.NEXT
    if given > last:
        return CounterFinding.GAP
    return CounterFinding.BEHIND


NOT_ENOUGH: Final = Refusal(
    "balance_too_low",
    "交通钱包余额不足，请先充值",
    "the transport purse holds too little: top up first",
    "TRN-1",
)
NOT_LOADED: Final = Refusal(
    "purse_not_loaded", "该卡未开通交通联合功能", "the card has no transport purse loaded", "TRN-1"
)
CLOSED: Final = Refusal(
    "purse_closed", "交通钱包已退值关闭", "the transport purse was refunded and closed", "TRN-4"
)
COUNTER_BEHIND: Final = Refusal(
    "counter_behind",
    "卡片交易计数器早于已记录的交易，拒绝扣款",
    "the card's counter is older than a write already recorded",
    "TRN-3",
)
COUNTER_USED: Final = Refusal(  # the same code: the debit is refused for the same reason
    "counter_behind",
    "卡片交易计数器已被已记录的交易使用，拒绝扣款",
    "the card's counter was already used by a write recorded",
    "TRN-3",
)

# LOSS-6: what the holder is told when their card is lost: the purse is anonymous.
LOSS_NOTICE_ZH: Final = "交通钱包不记名、无密码，不能挂失；卡片丢失后其中余额无法找回"
LOSS_NOTICE_EN: Final = (
    "The transport purse is anonymous and has no password: it cannot be reported lost, and its "
    "balance is gone with a lost card"
)


class PurseClosed(Conflict):
    code = "purse_closed"
    rule = "TRN-4"
    message_zh = "该卡交通钱包已退值关闭"
    message_en = "The card's transport purse was refunded and closed"


class RefundNotAllowed(Conflict):
    code = "refund_not_allowed"
    rule = "TRN-4"
    message_zh = "暂不能退值：{reason_zh}"
    message_en = "The refund cannot be made now: {reason_en}"


def purse_closed_error() -> DomainError:
    return PurseClosed(field="card_number")


@dataclass(frozen=True)
class FareRule:
    """TRN-3: in `city_code` (only its area `area_code`, when given: Jintan's and Liyang's
    buses), on `mode`, a local card pays `local` percent of the full fare and any other card
    `other` percent, from `effective_from` (an ISO date) on."""

    city_code: str
    mode: Mode
    local: int
    other: int
    effective_from: str
    area_code: str | None = None


def fare_percent(
    rules: Sequence[FareRule],
    city_code: str,
    mode: Mode,
    card_city: str,
    day: str,
    area_code: str | None = None,
) -> int:
    """TRN-3: the percent a card managed in `card_city` pays on `mode` in `city_code` (in its
    area `area_code`, if the reader's scene has one) on `day` (ISO date): the area's newest rule
    in force, else the city's, else the full fare. The same card pays each city's own fare."""
    in_force = [r for r in rules if r.city_code == city_code and r.mode is mode
                and r.effective_from <= day and r.area_code in (None, area_code)]  # fmt: skip
    if not in_force:
        return 100
    rule = max(in_force, key=lambda r: (r.area_code is not None, r.effective_from))
    return rule.local if card_city == city_code else rule.other


@dataclass(frozen=True)
class TopUpOffer:
    """TRN-3, CITY-3: in `city_code`, a top-up paid with `bank_code` (a card account of that
    bank, or at its outlet) costs `percent` of its value, from `effective_from` (ISO) on."""

    city_code: str
    bank_code: str
    percent: int
    effective_from: str
    name_zh: str
    name_en: str


def top_up_price(
    offers: Sequence[TopUpOffer], city_code: str, bank_code: str | None, day: str, amount_fen: int
) -> tuple[int, TopUpOffer | None]:
    """What the holder pays for a top-up of `amount_fen` to a purse of `city_code` paid with
    `bank_code` (None: cash or another way) on `day`, rounded half up to the fen, and the offer
    that made it so (the newest in force), if any."""
    if bank_code is None:
        return amount_fen, None
    in_force = [o for o in offers if (o.city_code, o.bank_code) == (city_code, bank_code)
                and o.effective_from <= day]  # fmt: skip
    if not in_force:
        return amount_fen, None
    offer = max(in_force, key=lambda o: o.effective_from)
    return fare_after_discount(amount_fen, offer.percent), offer


class CounterTaken(Conflict):
    code = "counter_taken"
    rule = "TRN-3"
    message_zh = "卡片交易计数器{counter}刚被另一笔写卡使用，本次扣款未执行"
    message_en = "The card's counter {counter} was just taken by another write: nothing debited"


def counter_taken(counter: int) -> CounterTaken:
    return CounterTaken(field="counter", counter=counter)
