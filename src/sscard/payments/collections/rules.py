"""Collections by mandate, pure (SPEC PAY-1). Amounts in integer fen.

A holder signs a mandate for one payee and one of the holder's accounts at that payee (the
water meter's account, the insured person's number), with the most that may be debited under
it in one period (the bill's month, YYYY-MM): the debits of a period that are not refused count
against it, however many there are. The payee then asks for debits under it; each goes to the
holder's newest card account with an active financial function (as payments do, REP-3) and is
debited or refused by the bank, once.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Final

from sscard.kernel.errors import Conflict, DomainError
from sscard.kernel.masking import personal_number_kind

MAX_DEBIT_FEN: Final = 100_000_00  # no mandate lets a period take more than 100,000 yuan
CUSTOMER_NUMBER: Final = re.compile(r"[A-Za-z0-9-]{4,32}")
PAYEE_CODE: Final = re.compile(r"[A-Z0-9][A-Z0-9_-]{2,15}")
REFERENCE: Final = re.compile(r"[A-Za-z0-9_-]{1,40}")
PERIOD: Final = re.compile(r"(20[0-9]{2})-(0[1-9]|1[0-2])")  # 0-9 only: \d takes ٢ and ２


class CollectionKind(StrEnum):
    """What a payee collects from the card's account (PAY-1)."""

    SOCIAL_INSURANCE = "social_insurance"
    EXAM_FEE = "exam_fee"
    WATER = "water"
    ELECTRICITY = "electricity"
    GAS = "gas"

    @property
    def label_zh(self) -> str:
        return KIND_LABELS[self][0]


KIND_LABELS: Final = {
    CollectionKind.SOCIAL_INSURANCE: ("社会保险费", "social insurance contributions"),
    CollectionKind.EXAM_FEE: ("人事考试费", "HR exam fees"),
    CollectionKind.WATER: ("水费", "water"),
    CollectionKind.ELECTRICITY: ("电费", "electricity"),
    CollectionKind.GAS: ("燃气费", "gas"),
}


class MandateStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


class DebitStatus(StrEnum):
    INSTRUCTED = "instructed"  # sent to the bank, awaiting its answer
    DEBITED = "debited"
    REFUSED = "refused"  # by sscard (no active account) or by the bank, with the reason


# The debits that count against a mandate's limit for their period: taken, or on their way.
COUNTED: Final = frozenset({DebitStatus.INSTRUCTED, DebitStatus.DEBITED})


def left_in_period(max_amount_fen: int, counted_fen: int) -> int:
    """PAY-1: what a mandate may still take in a period whose counted debits total
    `counted_fen`."""
    return max(max_amount_fen - counted_fen, 0)


DEBIT_LABELS: Final = {
    DebitStatus.INSTRUCTED: ("已发银行待扣款", "sent to the bank"),
    DebitStatus.DEBITED: ("已扣款", "debited"),
    DebitStatus.REFUSED: ("未扣款", "not debited"),
}

# Why sscard refuses a debit before any bank sees it: the holder's newest card cannot pay.
NOT_PAYABLE: Final = {
    "no_card": ("持卡人没有可用的社会保障卡", "the holder has no card"),
    "financial_not_active": ("社保卡金融功能未激活", "the card's financial function is not active"),
    "account_lost": ("银行账户已挂失", "the bank account is reported lost"),
    "account_closed": ("银行账户已销户", "the bank account is closed"),
    "replacement_pending": ("正在补换卡", "a replacement or exchange is under way"),
    "card_cancelled": ("社保卡已注销", "the card is cancelled"),
}


def mandate_problem(max_amount_fen: int, customer_number: str) -> tuple[str, str, str] | None:
    """(field, zh, en) of what is wrong with a new mandate's terms, or None."""
    if isinstance(max_amount_fen, bool) or not 0 < max_amount_fen <= MAX_DEBIT_FEN:
        zh = f"每期扣款上限须为1至{MAX_DEBIT_FEN}分"
        return "max_amount_fen", zh, f"the most per period is 1 to {MAX_DEBIT_FEN} fen"
    if not CUSTOMER_NUMBER.fullmatch(customer_number):
        zh, en = "须为4至32位字母、数字或连字符", "4 to 32 letters, digits or '-'"
        return "customer_number", zh, en
    if personal_number_kind(customer_number) is not None:
        zh = "不得填写身份证号码或手机号码：请填写账单上的缴费户号"
        en = "not an ID or phone number: the account number on the bill"
        return "customer_number", zh, en
    return None


class MandateExists(Conflict):
    code = "mandate_exists"
    rule = "PAY-1"
    message_zh = "已为该收费单位的户号{customer}签约代扣（{reference}）"
    message_en = "A mandate for this payee's account {customer} exists already ({reference})"


class MandateNotActive(Conflict):
    code = "mandate_not_active"
    rule = "PAY-1"
    message_zh = "代扣协议{reference}已解约，不能扣款"
    message_en = "Mandate {reference} is revoked: nothing may be debited under it"


class MandateAlreadyRevoked(Conflict):
    code = "mandate_already_revoked"
    rule = "PAY-1"
    message_zh = "代扣协议{reference}已于{at}解约，无需再次解约"
    message_en = "Mandate {reference} was already revoked on {at}; it is not revoked twice"


class OverMandateLimit(DomainError):
    code = "over_mandate_limit"
    status = 422
    rule = "PAY-1"
    message_zh = (
        "扣款金额{amount}元超过代扣协议约定的每期上限{limit}元：所属期{period}已扣或待扣{taken}元，"
        "本期还可扣{left}元"
    )
    message_en = (
        "The amount of {amount} yuan is over the mandate's limit of {limit} yuan per period: "
        "{taken} yuan is debited or on its way for period {period}, {left} yuan is left in it"
    )

    def extra(self) -> dict[str, Any]:
        """What is left in the period, in fen, for the payee's system to read."""
        return {"period": self.params["period"], "left_fen": self.params["left_fen"]}


class DebitReferenceReused(Conflict):
    code = "debit_reference_reused"
    rule = "PAY-1"
    message_zh = "扣款编号“{reference}”已用于另一笔不同的扣款"
    message_en = "Debit reference '{reference}' was used for a different debit"
