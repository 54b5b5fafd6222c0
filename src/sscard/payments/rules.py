"""Benefit payments through the card's bank account, pure (SPEC PAY-1..3, ISS-2, ISS-6, REP-3).

Amounts are integer fen. A payer (the pension, unemployment or work-injury system, another
department's subsidy programme) sends a batch of payments, each naming a person by social
security number. Each payment goes to the person's newest card, and only if that card's
financial function is active at its bank (PAY-1, REP-3: never to a superseded card). Otherwise
it is held and told back to the payer with the reason (PAY-2, ISS-6) and paid once an active
account exists, or returned to the payer when none ever will (the holder died, the card was
cancelled, the person is unknown). The bank's answer ends an instructed payment: paid or
refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from sscard.cards.lifecycle import FinancialStatus, HrStatus
from sscard.kernel.errors import Conflict, DomainError, invalid

MAX_AMOUNT_FEN: Final = 1_000_000_00  # one payment is at most 1,000,000 yuan (a lump sum)
MAX_LINES_JSON: Final = 2_000  # a JSON batch within the API's body limit; larger: a file
MAX_LINES_FILE: Final = 1_000_000
MAX_PROBLEMS_SHOWN: Final = 100
# A credit instruction's id: a batch's CB-<batch>-<bank>-<n>, those of payments released from
# held (PAY-2) CR-<first payment>-<random>.
BATCH_PREFIX: Final = "CB-"
RELEASED_PREFIX: Final = "CR-"
REFERENCE: Final = re.compile(r"[A-Za-z0-9_-]{1,40}")
PERIOD: Final = re.compile(r"(20[0-9]{2})-(0[1-9]|1[0-2])")  # 0-9 only: \d takes ٢ and ２
PAYER_CODE: Final = re.compile(r"[A-Z][A-Z0-9_-]{2,15}")


class PaymentKind(StrEnum):
    """What a payment is (PAY-1); a payer is registered for the kinds it pays."""

    PENSION = "pension"
    UNEMPLOYMENT = "unemployment"
    WORK_INJURY = "work_injury"
    TALENT_SUBSIDY = "talent_subsidy"
    SUBSIDY = "subsidy"
    HOUSING_FUND = "housing_fund"
    WAGES = "wages"
    STUDENT_GRANT = "student_grant"

    @property
    def label_zh(self) -> str:
        return KIND_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return KIND_LABELS[self][1]


KIND_LABELS: Final = {
    PaymentKind.PENSION: ("养老金", "pension"),
    PaymentKind.UNEMPLOYMENT: ("失业保险金", "unemployment benefit"),
    PaymentKind.WORK_INJURY: ("工伤保险待遇", "work-injury benefit"),
    PaymentKind.TALENT_SUBSIDY: ("人才补贴", "talent subsidy"),
    PaymentKind.SUBSIDY: ("补贴", "subsidy"),
    PaymentKind.HOUSING_FUND: ("住房公积金提取", "housing-fund withdrawal"),
    PaymentKind.WAGES: ("工资", "wages"),
    PaymentKind.STUDENT_GRANT: ("助学金、奖学金", "student grant or scholarship"),
}


class PaymentStatus(StrEnum):
    """Where a payment is. Paid, returned and refused are final."""

    INSTRUCTED = "instructed"  # in a credit instruction to the card's bank, awaiting its answer
    HELD = "held"  # PAY-2: no active account yet; paid automatically once there is one
    PAID = "paid"  # the bank credited the card's account
    RETURNED = "returned"  # back to the payer: no account will ever take it
    REFUSED = "refused"  # the bank refused the credit, with its reason

    @property
    def label_zh(self) -> str:
        return STATUS_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return STATUS_LABELS[self][1]


STATUS_LABELS: Final = {
    PaymentStatus.INSTRUCTED: ("已发银行待入账", "sent to the bank"),
    PaymentStatus.HELD: ("暂挂待发", "held"),
    PaymentStatus.PAID: ("已入账", "paid"),
    PaymentStatus.RETURNED: ("已退回发放机构", "returned to the payer"),
    PaymentStatus.REFUSED: ("银行拒绝入账", "refused by the bank"),
}


class PaymentEvent(StrEnum):
    RELEASE = "release"  # an active account now exists (held -> instructed)
    CREDIT = "credit"  # the bank's answer: credited
    REFUSE = "refuse"  # the bank's answer: refused
    RETURN = "return"  # no account ever will: back to the payer


# The payment's lifecycle: a pair not here is refused.
PAYMENT_TABLE: Final = {
    (PaymentStatus.HELD, PaymentEvent.RELEASE): PaymentStatus.INSTRUCTED,
    (PaymentStatus.HELD, PaymentEvent.RETURN): PaymentStatus.RETURNED,
    (PaymentStatus.INSTRUCTED, PaymentEvent.CREDIT): PaymentStatus.PAID,
    (PaymentStatus.INSTRUCTED, PaymentEvent.REFUSE): PaymentStatus.REFUSED,
}


def next_status(status: PaymentStatus, event: PaymentEvent) -> PaymentStatus | None:
    """The status after `event`, or None when the table has no such move."""
    return PAYMENT_TABLE.get((status, event))


class Reason(StrEnum):
    """Why a payment is held or returned; told to the payer and shown to the holder."""

    NO_CARD = "no_card"
    FINANCIAL_NOT_ACTIVE = "financial_not_active"
    ACCOUNT_LOST = "account_lost"
    ACCOUNT_CLOSED = "account_closed"
    REPLACEMENT_PENDING = "replacement_pending"
    UNKNOWN_PERSON = "unknown_person"
    HOLDER_DECEASED = "holder_deceased"
    CARD_CANCELLED = "card_cancelled"

    @property
    def text_zh(self) -> str:
        return REASON_TEXTS[self][0]

    @property
    def text_en(self) -> str:
        return REASON_TEXTS[self][1]


# The banks' refusal codes (banks.protocol CreditRefusal, DebitRefusal, and the generic one
# a bank sends without a reason) as people read them; a bank's own code is shown as it came.
BANK_REFUSALS: Final = {
    "no_account": ("银行没有此卡的账户", "the bank holds no account for the card"),
    "account_closed": ("银行账户已销户", "the bank account is closed"),
    "account_not_active": ("银行账户未激活", "the bank account is not activated"),
    "account_lost": ("银行账户已挂失", "the bank account is reported lost"),
    "insufficient_funds": ("账户余额不足", "not enough money in the account"),
    "refused_by_bank": ("银行未说明原因", "the bank gave no reason"),
}


def bank_refusal_texts(code: str) -> tuple[str, str]:
    """(zh, en) of a bank's refusal: its standard codes in words, another code as sent."""
    zh, en = BANK_REFUSALS.get(code, (code, code))
    return f"银行拒绝：{zh}", f"refused by the bank: {en}"


REASON_TEXTS: Final = {
    Reason.NO_CARD: (
        "本人尚未领取社会保障卡：请申领社会保障卡并到银行网点激活金融功能",
        "the person holds no card yet: apply for the card and activate its financial function"
        " at the bank",
    ),
    Reason.FINANCIAL_NOT_ACTIVE: (
        "社会保障卡金融功能未激活：请持卡和身份证到发卡银行网点激活金融功能",
        "the card's financial function is not active: activate it at the card's bank with the"
        " card and ID",
    ),
    Reason.ACCOUNT_LOST: (
        "银行账户已挂失：解除挂失或补领新卡并激活后自动发放",
        "the bank account is reported lost: paid once the loss is lifted or a new card is"
        " activated",
    ),
    Reason.ACCOUNT_CLOSED: (
        "银行账户已销户：补换新卡并激活金融功能后自动发放",
        "the bank account is closed: paid once a new card's financial function is active",
    ),
    Reason.REPLACEMENT_PENDING: (
        "正在补换卡：新卡金融功能激活后自动发放到新卡账户",
        "a replacement or exchange is under way: paid to the new card's account once it is active",
    ),
    Reason.UNKNOWN_PERSON: (
        "社会保障号码未登记，款项退回发放机构",
        "no person with this social security number: returned to the payer",
    ),
    Reason.HOLDER_DECEASED: (
        "持卡人已身故（卡已注销），款项退回发放机构",
        "the holder has died (the card is cancelled): returned to the payer",
    ),
    Reason.CARD_CANCELLED: (
        "社会保障卡已注销，款项退回发放机构",
        "the card is cancelled: returned to the payer",
    ),
}


@dataclass(frozen=True)
class Routing:
    """Where one payment goes: instructed to the card's bank, or held or returned, and why."""

    status: PaymentStatus
    reason: Reason | None = None


INSTRUCT: Final = Routing(PaymentStatus.INSTRUCTED)


def route(
    hr_status: HrStatus | None,
    financial_status: FinancialStatus | None,
    deceased: bool = False,
) -> Routing:
    """SPEC PAY-1/2, REP-3, ISS-6: the payment to a person whose newest card is in these
    states (None: the person has no card). Only an active financial function takes money; a
    superseded newest card means the new one is not made yet."""
    if hr_status is None or financial_status is None:
        return Routing(PaymentStatus.HELD, Reason.NO_CARD)
    if hr_status is HrStatus.CANCELLED:
        reason = Reason.HOLDER_DECEASED if deceased else Reason.CARD_CANCELLED
        return Routing(PaymentStatus.RETURNED, reason)
    if hr_status is HrStatus.SUPERSEDED:
        return Routing(PaymentStatus.HELD, Reason.REPLACEMENT_PENDING)
    return FINANCIAL_ROUTING[financial_status]


FINANCIAL_ROUTING: Final = {
    FinancialStatus.ACTIVE: INSTRUCT,
    FinancialStatus.ACCOUNT_REQUESTED: Routing(PaymentStatus.HELD, Reason.FINANCIAL_NOT_ACTIVE),
    FinancialStatus.ACCOUNT_OPENED: Routing(PaymentStatus.HELD, Reason.FINANCIAL_NOT_ACTIVE),
    FinancialStatus.LOST: Routing(PaymentStatus.HELD, Reason.ACCOUNT_LOST),
    FinancialStatus.CLOSED: Routing(PaymentStatus.HELD, Reason.ACCOUNT_CLOSED),
}


def routing_table() -> list[tuple[HrStatus, FinancialStatus, bool, Routing]]:
    """Every (hr, financial, deceased) combination of a card with its routing, for the
    repository to route a whole batch in SQL by the same rules as route()."""
    return [
        (hr, fin, dead, route(hr, fin, dead))
        for hr in HrStatus
        for fin in FinancialStatus
        for dead in (False, True)
    ]


# ---- one line of a batch ----


@dataclass(frozen=True)
class Line:
    """One payment as the payer sends it; amount in fen, period YYYY-MM."""

    ssn: str
    amount_fen: int
    kind: str
    period: str
    payer_reference: str


@dataclass(frozen=True)
class LineProblem:
    line: int  # 1-based, in the payer's order
    field: str
    reason_zh: str
    reason_en: str

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "field": self.field,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


def line_problems(
    number: int,
    line: Line,
    kinds: frozenset[str],
    ssn_reason: tuple[str, str] | None,
    today: date,
) -> list[LineProblem]:
    """What is wrong with one line (empty: nothing); `kinds` are the payer's, `ssn_reason`
    the registry's verdict on the number; a period more than a year ahead is a typing error."""
    found: list[LineProblem] = []

    def bad(field: str, zh: str, en: str) -> None:
        found.append(LineProblem(number, field, zh, en))

    if ssn_reason is not None:
        bad(
            "ssn",
            f"社会保障号码无效：{ssn_reason[0]}",
            f"not a social security number: {ssn_reason[1]}",
        )
    if isinstance(line.amount_fen, bool) or not 0 < line.amount_fen <= MAX_AMOUNT_FEN:
        bad(
            "amount_fen",
            f"金额须为1至{MAX_AMOUNT_FEN}分的整数",
            f"must be a whole number of fen from 1 to {MAX_AMOUNT_FEN}",
        )
    if line.kind not in kinds:
        listed = ", ".join(sorted(kinds))
        bad("kind", f"本发放机构只发放：{listed}", f"this payer pays only: {listed}")
    if not PERIOD.fullmatch(line.period):
        bad("period", "所属期须为YYYY-MM（2000年起）", "the period must be YYYY-MM, from 2000")
    elif period_after(line.period, today):
        bad("period", "所属期不能晚于一年之后", "the period is more than a year ahead")
    if not REFERENCE.fullmatch(line.payer_reference):
        bad(
            "payer_reference",
            "须为1至40位字母、数字、下划线或连字符",
            "must be 1 to 40 letters, digits, '_' or '-'",
        )
    return found


def period_after(period: str, today: date) -> bool:
    """Whether a YYYY-MM period lies more than a year ahead (a typing error, not a payment)."""
    year, month = int(period[:4]), int(period[5:7])
    return (year - today.year) * 12 + (month - today.month) > 12


# ---- the banks' answers (PAY-1) ----


@dataclass(frozen=True)
class Answer:
    """One answer as a bank sends it: the payment's or debit's id, whether it went through,
    and the reason when it did not."""

    item_id: int
    done: bool
    reason: str | None


def split_answers(answers: Sequence[Answer], id_field: str) -> tuple[list[int], dict[int, str]]:
    """(ids done, refused id -> reason); InvalidInput naming the answer (`answers[i].<id_field>`
    or `.reason`) for an id answered twice in one body, a success with a reason, or a refusal
    without one."""
    done: list[int] = []
    refused: dict[int, str] = {}
    seen: set[int] = set()
    for i, a in enumerate(answers):
        where = f"answers[{i}]"
        if a.item_id in seen:
            raise invalid(f"{where}.{id_field}", "同一笔答复了两次", "answered twice in one body")
        seen.add(a.item_id)
        if a.done:
            if a.reason is not None:
                raise invalid(f"{where}.reason", "成功无需原因", "a success takes no reason")
            done.append(a.item_id)
        elif a.reason is None:
            raise invalid(f"{where}.reason", "拒绝须说明原因", "a refusal needs its reason")
        else:
            refused[a.item_id] = a.reason
    return done, refused


# ---- refusals ----


class BatchInvalid(DomainError):
    code = "batch_invalid"
    status = 422
    rule = "PAY-1"
    message_zh = "批次有{count}处错误，整批未受理（逐行错误见 problems 字段，列出前100处）"
    message_en = (
        "The batch was not taken: problems found: {count} (the first 100 are listed in "
        "problems, each with its line and field)"
    )

    def __init__(self, problems: list[LineProblem], count: int) -> None:
        super().__init__(field="lines", count=count)
        self.problems = problems

    def extra(self) -> dict[str, object]:
        return {"problems": [p.as_dict() for p in self.problems]}


class BatchReferenceReused(Conflict):
    code = "batch_reference_reused"
    rule = "PAY-1"
    message_zh = "批次号“{reference}”已用于内容不同的另一批次；同一批次重发须内容完全一致"
    message_en = (
        "Batch reference '{reference}' was used for a different batch; a batch sent again must"
        " be the same"
    )


class AnswerConflicts(Conflict):
    code = "answer_conflicts"
    rule = "PAY-1"
    message_zh = "{count}笔款项已有不同的入账答复（如{example}），整份答复未受理"
    message_en = (
        "Payments that already have a different answer: {count} (e.g. {example}); the answer"
        " was not taken"
    )


class NotInInstruction(DomainError):
    code = "not_in_instruction"
    status = 422
    rule = "PAY-1"
    message_zh = "{count}笔款项不属于入账指令{instruction_id}（如{example}），整份答复未受理"
    message_en = (
        "Payments not in instruction {instruction_id}: {count} (e.g. {example}); the answer"
        " was not taken"
    )
