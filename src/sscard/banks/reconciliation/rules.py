"""Reconciliation with a bank: the kinds of difference and the repair rule for each. Pure.

The bank owns the card's financial function and the registry mirrors it (SPEC ISS-2, LOSS-2), so
where the two disagree the mirror follows the bank; what the registry owns (the account number
once recorded, the hr function) is never overwritten from a statement. Each kind has an ordered
list of steps: the first step whose facts all hold decides the repair, and the last step holds
always. The SQL that files the differences is built from this table, so the report and the
table cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sscard.kernel.clock import CHINA, business_date

# A card produced less long ago than this may still be on its way to the bank (ISS-2: in real
# time, but a bank that was down catches up from the outbox).
ACCOUNT_OPENING_GRACE = timedelta(hours=24)
DAILY_HOUR = 2  # Beijing time: after the banks' end of day
RETRY_AFTER = timedelta(minutes=30)  # a failed daily run is tried again after this long


class Kind(StrEnum):
    ACCOUNT_MISSING_IN_REGISTRY = "account_missing_in_registry"
    FINANCIAL_STATUS_DIFFERS = "financial_status_differs"
    ACCOUNT_NUMBER_DIFFERS = "account_number_differs"
    ACCOUNT_MISSING_AT_BANK = "account_missing_at_bank"
    CLOSURE_PENDING_AT_BANK = "closure_pending_at_bank"
    UNKNOWN_CARD_AT_BANK = "unknown_card_at_bank"
    CLOSED_AT_BANK_BUT_CARD_ALIVE = "closed_at_bank_but_card_alive"


class Repair(StrEnum):
    REPAIRED = "repaired"  # the mirror now says what the bank says
    RESENT = "resent"  # the message the bank should have acted on is in the outbox again
    QUEUED = "queued"  # a message for the card still waits in the outbox; nothing added
    DEFERRED = "deferred"  # nothing to do now; a later run compares again
    MANUAL = "manual"  # a person must look


# Repairs the system made by itself; the run's `repaired` count adds them up.
DONE_BY_RULE = frozenset({Repair.REPAIRED, Repair.RESENT})


class Fact(StrEnum):
    """What may be true of a card when a difference is filed (each is one SQL condition)."""

    CHANGED_AFTER_STATEMENT = "changed_after_statement"  # updated after the statement's moment
    MESSAGE_FAILED = "message_failed"  # a message for the card is failed in the outbox
    MESSAGE_PENDING = "message_pending"  # a message for the card is still pending
    ACCOUNT_REQUESTED = "account_requested"  # the mirror still waits for the account
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"
    CLOSURE_NOTICE = "closure_notice"  # the CAN-3 closure notice was issued
    NEW_CARD_HANDED_OVER = "new_card_handed_over"  # the card that replaced it was collected
    OTHER_BANKS_CARD = "other_banks_card"  # the card exists, at another bank


class Action(StrEnum):
    NONE = "none"
    FOLLOW_BANK = "follow_bank"  # the mirror takes the bank's status
    RECORD_ACCOUNT = "record_account"  # the statement's account number is recorded, mirror too
    REQUEST_ACCOUNT = "request_account"  # bank.account_requested again (ISS-1/2)
    REQUEST_CLOSURE = "request_closure"  # bank.account_closure_requested again (CAN-3)
    TELL_SUPERSEDED = "tell_superseded"  # bank.card_superseded again (REP-3)


@dataclass(frozen=True)
class Step:
    when: frozenset[Fact]
    repair: Repair
    action: Action
    note: str  # stored in the difference's detail; NOTES says it in Chinese and English


@dataclass(frozen=True)
class Rule:
    kind: Kind
    rule: str  # the SPEC id the repair serves
    zh: str
    en: str
    steps: tuple[Step, ...]


def _step(repair: Repair, action: Action, note: str, *when: Fact) -> Step:
    return Step(frozenset(when), repair, action, note)


F, R, A = Fact, Repair, Action
LATER = _step(R.DEFERRED, A.NONE, "changed_after_statement", F.CHANGED_AFTER_STATEMENT)
FAILED = _step(R.MANUAL, A.NONE, "replay_failed_message", F.MESSAGE_FAILED)
WAITING = _step(R.QUEUED, A.NONE, "message_waiting", F.MESSAGE_PENDING)

RULES: dict[Kind, Rule] = {
    Kind.ACCOUNT_MISSING_IN_REGISTRY: Rule(
        Kind.ACCOUNT_MISSING_IN_REGISTRY, "ISS-2",
        "银行已开户，登记系统未记录账号", "the bank holds an account the registry has not recorded",
        (LATER, _step(R.REPAIRED, A.RECORD_ACCOUNT, "account_recorded")),
    ),
    Kind.FINANCIAL_STATUS_DIFFERS: Rule(
        Kind.FINANCIAL_STATUS_DIFFERS, "LOSS-2",
        "金融功能状态不一致", "the financial status differs",
        (LATER, _step(R.REPAIRED, A.FOLLOW_BANK, "mirror_follows_bank")),
    ),
    Kind.CLOSED_AT_BANK_BUT_CARD_ALIVE: Rule(
        Kind.CLOSED_AT_BANK_BUT_CARD_ALIVE, "ISS-6",
        "银行已销户，卡片仍在使用", "the bank closed the account of a card still in use",
        (LATER, _step(R.REPAIRED, A.FOLLOW_BANK, "account_closed_tell_holder")),
    ),
    Kind.ACCOUNT_NUMBER_DIFFERS: Rule(
        Kind.ACCOUNT_NUMBER_DIFFERS, "ISS-2",
        "账号不一致", "the account number differs",
        (_step(R.MANUAL, A.NONE, "account_never_overwritten"),),
    ),
    Kind.ACCOUNT_MISSING_AT_BANK: Rule(
        Kind.ACCOUNT_MISSING_AT_BANK, "ISS-2",
        "银行对账单中没有该卡的账户", "the bank lists no account for the card",
        (
            LATER,
            FAILED,
            WAITING,
            _step(R.RESENT, A.REQUEST_ACCOUNT, "account_requested_again", F.ACCOUNT_REQUESTED),
            _step(R.MANUAL, A.NONE, "account_gone_at_bank"),
        ),
    ),
    Kind.CLOSURE_PENDING_AT_BANK: Rule(
        Kind.CLOSURE_PENDING_AT_BANK, "CAN-3",
        "卡片已注销或被取代，银行账户未销户", "the card is dead but its account is open",
        (
            LATER,
            FAILED,
            WAITING,
            _step(R.RESENT, A.REQUEST_CLOSURE, "closure_requested_again",
                  F.CANCELLED, F.CLOSURE_NOTICE),
            _step(R.MANUAL, A.NONE, "no_closure_notice", F.CANCELLED),
            _step(R.RESENT, A.TELL_SUPERSEDED, "superseded_told_again",
                  F.SUPERSEDED, F.NEW_CARD_HANDED_OVER),
            _step(R.DEFERRED, A.NONE, "new_card_not_handed_over", F.SUPERSEDED),
            _step(R.MANUAL, A.NONE, "account_open_for_dead_card"),
        ),
    ),
    Kind.UNKNOWN_CARD_AT_BANK: Rule(
        Kind.UNKNOWN_CARD_AT_BANK, "ISS-1",
        "银行列出的卡号不属于该行", "the bank lists a card that is not its own",
        (
            _step(R.MANUAL, A.NONE, "card_of_another_bank", F.OTHER_BANKS_CARD),
            _step(R.MANUAL, A.NONE, "card_not_in_registry"),
        ),
    ),
}  # fmt: skip

NOTES: dict[str, tuple[str, str]] = {
    "changed_after_statement": (
        "对账单时点之后卡片已变更，本次不修复，下次对账再比对",
        "the card changed after the statement's moment; the next run compares again",
    ),
    "replay_failed_message": (
        "该卡有发送失败的消息，请先在待发消息中重发",
        "a message for the card failed delivery; replay it from the outbox first",
    ),
    "message_waiting": (
        "该卡仍有待发送的消息，未重复发送",
        "a message for the card is still waiting in the outbox; none was added",
    ),
    "account_recorded": (
        "已按对账单记录账号，金融状态随银行",
        "the account number was recorded from the statement; the mirror follows the bank",
    ),
    "mirror_follows_bank": (
        "金融功能由银行管理，本系统状态已随银行更正",
        "the bank owns the financial function; the mirror now follows it",
    ),
    "account_closed_tell_holder": (
        "已随银行改为已销户；持卡人的卡已无金融账户，需告知持卡人",
        "the mirror now says closed; the holder's card has no account: tell the holder",
    ),
    "account_never_overwritten": (
        "账号不自动覆盖，请与银行核实",
        "an account number is never overwritten by itself; check with the bank",
    ),
    "account_requested_again": (
        "已重新推送开户请求",
        "the account request was sent to the bank again",
    ),
    "account_gone_at_bank": (
        "本系统记录有账户，银行对账单中没有，请与银行核实",
        "the registry records an account the bank does not list; check with the bank",
    ),
    "closure_requested_again": (
        "已重新推送金融销户通知",
        "the account-closure notice was sent to the bank again",
    ),
    "no_closure_notice": (
        "卡片已注销但无销户通知书，请人工处理",
        "the card is cancelled but has no closure notice; handle by hand",
    ),
    "superseded_told_again": (
        "已重新告知银行该卡已被新卡取代，账户由银行按其规定处理",
        "the bank was told again that the card was replaced; its policy decides the account",
    ),
    "new_card_not_handed_over": (
        "新卡尚未领取，领卡时告知原银行",
        "the new card is not collected yet; the old bank is told when it is",
    ),
    "account_open_for_dead_card": (
        "卡片已失效但银行账户仍开立，请与银行核实",
        "the card is dead but the bank keeps its account open; check with the bank",
    ),
    "card_of_another_bank": (
        "该卡属于另一家银行",
        "the card belongs to another bank",
    ),
    "card_not_in_registry": (
        "登记系统中没有该卡号",
        "no card with this number in the registry",
    ),
}

REPAIR_TEXT: dict[Repair, tuple[str, str]] = {
    Repair.REPAIRED: ("已修复", "repaired"),
    Repair.RESENT: ("已重发", "sent again"),
    Repair.QUEUED: ("消息待发", "message waiting"),
    Repair.DEFERRED: ("暂缓", "deferred"),
    Repair.MANUAL: ("需人工处理", "needs a person"),
}


def decide(kind: Kind, facts: frozenset[Fact] | set[Fact]) -> Step:
    """The first step of the kind's rule whose facts all hold."""
    for step in RULES[kind].steps:
        if step.when <= facts:
            return step
    raise AssertionError(f"the last step of {kind} must hold always")


def daily_threshold(now: datetime, hour: int) -> datetime | None:
    """Today's (Beijing) run moment if it has come, else None: before it, nothing is due."""
    day: date = business_date(now)
    moment = datetime.combine(day, time(hour), CHINA)
    return moment if now >= moment else None
