"""The card's lifecycle: states per function and the allowed transitions, as a table. Pure.

The hr function is ours; the financial function is the bank's, mirrored here. Only the
transitions named in HR_TABLE can happen; anything else is refused by name.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sscard.kernel.actor import CHANNEL_ZH, Channel
from sscard.kernel.errors import DomainError

GENERATION = 3
SPEC_VERSION = "3.00"
VALIDITY_YEARS = 10


class HrStatus(StrEnum):
    PRODUCED = "produced"  # made, sealed, not yet collected
    ACTIVE = "active"
    TEMPORARILY_LOST = "temporarily_lost"  # 临时挂失: 7 days, then lifts by itself (LOSS-1)
    FORMALLY_LOST = "formally_lost"  # 正式挂失 (LOSS-2)
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"


class FinancialStatus(StrEnum):
    ACCOUNT_REQUESTED = "account_requested"
    ACCOUNT_OPENED = "account_opened"
    ACTIVE = "active"
    LOST = "lost"  # formal loss taken at the bank covers the financial function too
    CLOSED = "closed"


class CardEvent(StrEnum):
    COLLECT = "collect"
    REPORT_TEMPORARY_LOSS = "report_temporary_loss"
    LIFT_TEMPORARY_LOSS = "lift_temporary_loss"
    REPORT_FORMAL_LOSS = "report_formal_loss"
    UNLOCK = "unlock"
    APPLY_REPLACEMENT = "apply_replacement"  # the old card dies at once (LOSS-4)
    APPLY_EXCHANGE = "apply_exchange"  # the old card is taken back (REP-3)
    CANCEL = "cancel"
    VOID = "void"  # 作废: a made card whose application was withdrawn is never issued
    CHANGE_CITY = "change_city"
    RESET_SOCIAL_DATA = "reset_social_data"


@dataclass(frozen=True)
class Transition:
    to: HrStatus
    channels: frozenset[Channel]  # the channels that may make it
    rule: str


H, C, Ch = HrStatus, CardEvent, Channel
OUTLETS = frozenset({Ch.HR_OUTLET, Ch.BANK_OUTLET})
HOTLINE = frozenset({Ch.HOTLINE})
SWEEP = frozenset({Ch.SWEEP})
HOTLINE_BANK = frozenset({Ch.HOTLINE, Ch.BANK_OUTLET})
BANK_ONLINE = frozenset({Ch.BANK_OUTLET, Ch.ONLINE})
HR_DESK = frozenset({Ch.HR_OUTLET})
CENTRE_OR_OUTLET = frozenset({Ch.CENTRE, Ch.HR_OUTLET, Ch.BANK_OUTLET})
# Collection: at the outlet, or on EMS's delivery as the centre records it (APP-4, ISS-3).
COLLECTION = frozenset({Ch.HR_OUTLET, Ch.BANK_OUTLET, Ch.CENTRE})
# A replacement after a formal loss: at an outlet or online (APP-4 [000 Q8], REP-1).
REPLACEMENT = frozenset({Ch.HR_OUTLET, Ch.BANK_OUTLET, Ch.ONLINE})
# The hr function's lifecycle. A (state, event) pair not listed is refused; a listed one is
# refused to any channel it does not name. Which bank outlet, and unlock by the channel that
# took the loss, are checked on top (see check_loss_channel).
HR_TABLE: dict[tuple[HrStatus, CardEvent], Transition] = {
    (H.PRODUCED, C.COLLECT): Transition(H.ACTIVE, COLLECTION, "ISS-4"),
    (H.ACTIVE, C.REPORT_TEMPORARY_LOSS): Transition(H.TEMPORARILY_LOST, HOTLINE, "LOSS-1"),
    (H.TEMPORARILY_LOST, C.LIFT_TEMPORARY_LOSS): Transition(H.ACTIVE, SWEEP, "LOSS-1"),
    (H.TEMPORARILY_LOST, C.UNLOCK): Transition(H.ACTIVE, HOTLINE_BANK, "LOSS-3"),
    (H.ACTIVE, C.REPORT_FORMAL_LOSS): Transition(H.FORMALLY_LOST, BANK_ONLINE, "LOSS-2"),
    (H.TEMPORARILY_LOST, C.REPORT_FORMAL_LOSS): Transition(H.FORMALLY_LOST, BANK_ONLINE, "LOSS-2"),
    (H.FORMALLY_LOST, C.UNLOCK): Transition(H.ACTIVE, BANK_ONLINE, "LOSS-3"),
    (H.FORMALLY_LOST, C.APPLY_REPLACEMENT): Transition(H.SUPERSEDED, REPLACEMENT, "REP-1"),
    (H.ACTIVE, C.APPLY_EXCHANGE): Transition(H.SUPERSEDED, OUTLETS, "REP-3"),
    (H.ACTIVE, C.CANCEL): Transition(H.CANCELLED, HR_DESK, "CAN-3"),
    (H.TEMPORARILY_LOST, C.CANCEL): Transition(H.CANCELLED, HR_DESK, "CAN-3"),
    (H.FORMALLY_LOST, C.CANCEL): Transition(H.CANCELLED, HR_DESK, "CAN-3"),
    # Only once the application that superseded it was withdrawn (cards/cancellation checks).
    (H.SUPERSEDED, C.CANCEL): Transition(H.CANCELLED, HR_DESK, "CAN-3"),
    # The application was withdrawn before collection (issue 11); never returns (CAN-5).
    (H.PRODUCED, C.VOID): Transition(H.CANCELLED, CENTRE_OR_OUTLET, "CAN-5"),
    (H.ACTIVE, C.CHANGE_CITY): Transition(H.ACTIVE, HR_DESK, "JUR-1"),
    (H.ACTIVE, C.RESET_SOCIAL_DATA): Transition(H.ACTIVE, HR_DESK, "JUR-1"),
}  # fmt: skip


class FinancialEvent(StrEnum):
    """What the card's bank tells us about the financial function it runs (mirrored here)."""

    ACCOUNT_OPENED = "account_opened"  # ISS-2
    ACTIVATED = "activated"  # ISS-4: by the holder at the bank
    REPORTED_LOST = "reported_lost"  # the bank's own loss (LOSS-1/2: financial side)
    LOSS_LIFTED = "loss_lifted"
    CLOSED = "closed"  # CAN-3, REP-2c, REP-1a


F, FE = FinancialStatus, FinancialEvent
# The financial function's mirror. LOSS_LIFTED returns to the state before the loss, kept on
# the card; it is listed here with ACTIVE as the usual answer.
FINANCIAL_TABLE: dict[tuple[FinancialStatus, FinancialEvent], FinancialStatus] = {
    (F.ACCOUNT_REQUESTED, FE.ACCOUNT_OPENED): F.ACCOUNT_OPENED,
    (F.ACCOUNT_OPENED, FE.ACTIVATED): F.ACTIVE,
    (F.ACCOUNT_OPENED, FE.REPORTED_LOST): F.LOST,
    (F.ACTIVE, FE.REPORTED_LOST): F.LOST,
    (F.LOST, FE.LOSS_LIFTED): F.ACTIVE,
    (F.ACCOUNT_REQUESTED, FE.CLOSED): F.CLOSED,
    (F.ACCOUNT_OPENED, FE.CLOSED): F.CLOSED,
    (F.ACTIVE, FE.CLOSED): F.CLOSED,
    (F.LOST, FE.CLOSED): F.CLOSED,
}
# The old bank's side is out of the way for a new bank or a new city (REP-2c, REP-1a, GEN-3).
FINANCIAL_SETTLED = frozenset({F.ACCOUNT_REQUESTED, F.LOST, F.CLOSED})


class FinancialTransitionRefused(DomainError):
    code = "financial_transition_refused"
    status = 409
    message_zh = "金融功能当前状态为“{state}”，不能报送“{event}”"
    message_en = "The financial function is '{state}'; '{event}' cannot be reported"


def next_financial_status(
    state: FinancialStatus, event: FinancialEvent, before_loss: FinancialStatus | None
) -> FinancialStatus:
    to = FINANCIAL_TABLE.get((state, event))
    if to is None:
        raise FinancialTransitionRefused(state=state.value, event=event.value)
    if event is FinancialEvent.LOSS_LIFTED and before_loss is not None:
        return before_loss
    return to


DEAD_HR_STATES = frozenset({HrStatus.CANCELLED, HrStatus.SUPERSEDED})
LOST_HR_STATES = frozenset({HrStatus.TEMPORARILY_LOST, HrStatus.FORMALLY_LOST})
TEMPORARY_LOSS_DAYS = 7  # SPEC LOSS-1


# What a person reads in a refusal: the state and the procedure in words, not codes.
HR_STATUS_ZH = {
    HrStatus.PRODUCED: "已制卡未领取",
    HrStatus.ACTIVE: "正常",
    HrStatus.TEMPORARILY_LOST: "临时挂失",
    HrStatus.FORMALLY_LOST: "正式挂失",
    HrStatus.CANCELLED: "已注销",
    HrStatus.SUPERSEDED: "已被新卡取代",
}
CARD_EVENT_ZH = {
    CardEvent.COLLECT: "领卡",
    CardEvent.REPORT_TEMPORARY_LOSS: "临时挂失",
    CardEvent.LIFT_TEMPORARY_LOSS: "临时挂失到期解除",
    CardEvent.REPORT_FORMAL_LOSS: "正式挂失",
    CardEvent.UNLOCK: "解挂",
    CardEvent.APPLY_REPLACEMENT: "补卡",
    CardEvent.APPLY_EXCHANGE: "换卡",
    CardEvent.CANCEL: "注销",
    CardEvent.VOID: "作废",
    CardEvent.CHANGE_CITY: "变更卡管属地",
    CardEvent.RESET_SOCIAL_DATA: "重置社保数据",
}


class CardTransitionRefused(DomainError):
    code = "card_transition_refused"
    status = 409
    message_zh = "卡片当前状态为“{state_zh}”，不能办理“{event_zh}”"
    message_en = "The card is {state_en}; {event_en} is not allowed"

    @classmethod
    def of(cls, state: HrStatus, event: CardEvent) -> CardTransitionRefused:
        return cls(
            state=state.value,
            event=event.value,
            state_zh=HR_STATUS_ZH[state],
            event_zh=CARD_EVENT_ZH[event],
            state_en=state.value.replace("_", " "),
            event_en=event.value.replace("_", " "),
        )


class ChannelNotAllowed(DomainError):
    code = "channel_not_allowed"
    status = 403
    message_zh = "“{event_zh}”不能通过{channel_zh}办理"
    message_en = "{event_en} cannot be done through the channel '{channel}'"


def transition(state: HrStatus, event: CardEvent, channel: Channel) -> Transition:
    """The allowed transition for this state, event and channel; refused by name otherwise."""
    found = HR_TABLE.get((state, event))
    if found is None:
        raise CardTransitionRefused.of(state, event)
    if channel not in found.channels:
        raise ChannelNotAllowed(
            rule=found.rule,
            event=event.value,
            channel=channel.value,
            event_zh=CARD_EVENT_ZH[event],
            event_en=event.value.replace("_", " "),
            channel_zh=CHANNEL_ZH.get(channel, channel.value),
        )
    return found


def effective_hr_status(stored: HrStatus, loss_until: datetime | None, now: datetime) -> HrStatus:
    """SPEC LOSS-1: a temporary loss past its 7 days has lifted, whether or not a sweep ran."""
    if stored is HrStatus.TEMPORARILY_LOST and loss_until is not None and now >= loss_until:
        return HrStatus.ACTIVE
    return stored


def temporary_loss_ends(reported_at: datetime) -> datetime:
    return reported_at + timedelta(days=TEMPORARY_LOSS_DAYS)


class CardUse(StrEnum):
    """What a scene, the ecard or a bank may ask to do with the card (SPEC LOSS-5)."""

    MEDICAL = "medical"
    HR_SERVICE = "hr_service"
    PAYMENT = "payment"
    TRANSPORT = "transport"
    SCENE_ENTRY = "scene_entry"
    ECARD = "ecard"
    IDENTITY = "identity"  # the card shown as an identity credential (SCN-1)


@dataclass(frozen=True)
class UseAnswer:
    allowed: bool
    code: str
    reason_zh: str
    reason_en: str
    rule: str | None


_REFUSALS: dict[HrStatus, tuple[str, str, str, str]] = {
    H.PRODUCED: ("not_collected", "卡片尚未领取", "not collected yet", "ISS-4"),
    H.TEMPORARILY_LOST: ("card_lost", "卡片已临时挂失", "temporarily reported lost", "LOSS-5"),
    H.FORMALLY_LOST: ("card_lost", "卡片已正式挂失", "formally reported lost", "LOSS-5"),
    H.CANCELLED: ("card_dead", "卡片已注销", "cancelled", "CAN-5"),
    H.SUPERSEDED: ("card_dead", "卡片已被新卡取代", "replaced by a new card", "LOSS-4"),
}  # fmt: skip


def may_use(state: HrStatus, use: CardUse, financial_expired: bool = False) -> UseAnswer:
    """SPEC LOSS-5: one answer for every use; while lost (or dead, or not collected) it is no.

    ISS-7: past the 10 years only card-present payment stops; hr, medical, transport go on.
    """
    if state is not HrStatus.ACTIVE:
        code, zh, en, rule = _REFUSALS[state]
        return UseAnswer(False, code, zh, en, rule)
    if use is CardUse.PAYMENT and financial_expired:
        zh, en = (
            "金融功能已过有效期，请办理到期换卡",
            "financial function expired; exchange the card",
        )
        return UseAnswer(False, "financial_expired", zh, en, "ISS-7")
    return UseAnswer(True, "ok", "可以使用", "may be used", None)


def financial_expired(expiry: date, today: date) -> bool:
    """ISS-7: the financial function is valid up to and including its expiry date."""
    return today > expiry


def is_live(state: HrStatus) -> bool:
    """SPEC ID-3: a card counts against one-person-one-card until cancelled or superseded."""
    return state not in DEAD_HR_STATES


_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O, which read as digits


def card_number(sequence: int) -> str:
    """Nine characters, a letter and eight digits (SPEC §17), unique per sequence value."""
    letter, digits = divmod(sequence, 100_000_000)
    if letter >= len(_LETTERS):
        raise OverflowError("card number space exhausted")
    return f"{_LETTERS[letter]}{digits:08d}"


def identification_code(area_code: str, random_hex: str | None = None) -> str:
    """32 characters: area code + D156 + 000005 + 16 hex digits (SPEC §17)."""
    tail = (random_hex or secrets.token_hex(8)).upper()
    code = f"{area_code}D156000005{tail}"
    if len(code) != 32:
        raise ValueError("identification code must be 32 characters")
    return code


def expiry_date(issue: date) -> date:
    """Issue date plus ten years (SPEC ISS-7, §17); 29 February expires on 28 February."""
    try:
        return issue.replace(year=issue.year + VALIDITY_YEARS)
    except ValueError:
        return issue.replace(year=issue.year + VALIDITY_YEARS, day=28)
