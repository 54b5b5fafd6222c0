"""Pure rules for a new card in place of one already held: replacement, exchange, upgrade.

SPEC REP-1, REP-1a, REP-2 a-e, REP-3, REP-5, REP-6, GEN-3, ISS-7, APP-8.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sscard.cards.expiry.rules import EXPIRY_WINDOW_DAYS, expiry_window_opens
from sscard.cards.legacy.rules import BankClosure, OldCard
from sscard.cards.lifecycle import FINANCIAL_SETTLED, FinancialStatus
from sscard.kernel.errors import DomainError
from sscard.registry.reference.policy import CityPolicy, FeeKind

REPEAT_LIMIT_PER_MONTH = 3  # REP-5: more than 3 in a month sends the reminder


class ExchangeReason(StrEnum):
    """REP-2: why an active card is exchanged for a new one."""

    DAMAGE = "damage"  # (a) made unusable by the holder
    QUALITY_FAULT = "quality_fault"  # (a) the card's own fault
    NEW_PHOTO = "new_photo"  # (a)
    BASE_DATA_CHANGE = "base_data_change"  # (b) after the registry was corrected
    BANK_CHANGE = "bank_change"  # (c) only where the city allows it (REP-6)
    EXPIRY = "expiry"  # (e) the 10-year financial validity (ISS-7)


# APP-8: the fee kind each exchange falls under; the city policy prices it.
EXCHANGE_FEE: dict[ExchangeReason, FeeKind] = {
    ExchangeReason.DAMAGE: FeeKind.EXCHANGE_DAMAGE_BY_HOLDER,
    ExchangeReason.QUALITY_FAULT: FeeKind.EXCHANGE_QUALITY_FAULT,
    ExchangeReason.NEW_PHOTO: FeeKind.EXCHANGE_DATA_CHANGE_OWN_REASON,
    ExchangeReason.BASE_DATA_CHANGE: FeeKind.EXCHANGE_DATA_CHANGE_OWN_REASON,
    ExchangeReason.BANK_CHANGE: FeeKind.EXCHANGE_BANK_CHANGE,
    ExchangeReason.EXPIRY: FeeKind.EXCHANGE_EXPIRED_WARRANTY,
}
# REP-2a: where a damage, fault or photo exchange happens is the city's choice.
PLACE_BY_POLICY = frozenset(
    {ExchangeReason.DAMAGE, ExchangeReason.QUALITY_FAULT, ExchangeReason.NEW_PHOTO}
)


class ExchangeNotHere(DomainError):
    code = "exchange_not_at_this_outlet"
    status = 409
    rule = "REP-2a"
    message_zh = "本市规定此类换卡须在{places_zh}办理"
    message_en = "In this city this exchange is done at {places_en}"


class BankChangeNotAllowed(DomainError):
    code = "bank_change_not_allowed"
    status = 409
    rule = "REP-6"
    message_zh = "本市不允许因个人原因变更社保卡合作银行"
    message_en = "This city does not allow changing the card's bank for personal reasons"


class OldBankNotSettled(DomainError):
    code = "old_bank_not_settled"
    status = 409
    rule = "REP-2c"
    message_zh = "须先在原发卡银行（{bank_code}）办理金融功能正式挂失或销户"
    message_en = (
        "First report the financial function lost or close it at the old bank ({bank_code})"
    )


class BankUnchanged(DomainError):
    code = "bank_unchanged"
    status = 422
    rule = "REP-2c"
    message_zh = "变更银行须选择与原卡不同的合作银行"
    message_en = "A change of bank needs a bank other than the old card's"


class BankChangeIsItsOwnExchange(DomainError):
    code = "bank_change_needs_its_own_exchange"
    status = 422
    rule = "JUR-3"
    message_zh = "卡面银行只能通过“变更银行”换卡改变"
    message_en = "The card's bank changes only through a change-of-bank exchange"


class NoCorrectionSinceIssue(DomainError):
    code = "no_base_data_correction"
    status = 409
    rule = "REP-2b"
    message_zh = "须先持公安机关变更证明到基础信息窗口变更人员信息，再办理换卡"
    message_en = (
        "Correct the base data first at the base-data window with the police certificate, "
        "then exchange the card"
    )


class NoNewPhoto(DomainError):
    code = "no_new_photo"
    status = 409
    rule = "REP-2a"
    message_zh = "须先采集新照片（制卡后未更换照片）"
    message_en = "Take a new photo first: the photo has not changed since the card was made"


class NotYetExpiring(DomainError):
    code = "not_yet_expiring"
    status = 409
    rule = "ISS-7"
    message_zh = "金融功能有效期至{expiry_date}，到期前{days}天内方可办理到期换卡"
    message_en = (
        "The financial function is valid until {expiry_date}; the expiry exchange opens "
        "{days} days before"
    )


class OldCardNotReturned(DomainError):
    code = "old_card_not_returned"
    status = 422
    rule = "REP-3"
    message_zh = "换卡须交回旧卡"
    message_en = "The old card is taken back on exchange"


class OtherCityAccountOpen(DomainError):
    code = "other_city_account_open"
    status = 409
    rule = "REP-1a"
    message_zh = "异地补换卡须先到原城市发卡银行（{bank_code}）注销金融账户"
    message_en = (
        "A replacement or exchange in another city needs the financial account closed first "
        "at the bank in the old city ({bank_code})"
    )


PLACE_ZH = {"hr": "社保卡服务网点", "bank": "合作银行网点"}
PLACE_EN = {"hr": "an HR card service outlet", "bank": "a cooperating bank's outlet"}


def check_exchange_place(reason: ExchangeReason, outlet_kind: str, policy: CityPolicy) -> None:
    """REP-2a: a damage, fault or photo exchange only where the city says."""
    if reason in PLACE_BY_POLICY and outlet_kind not in policy.damage_exchange_at:
        places = policy.damage_exchange_at
        raise ExchangeNotHere(
            field="reason",
            places_zh="、".join(PLACE_ZH.get(p, p) for p in places),
            places_en=" or ".join(PLACE_EN.get(p, p) for p in places),
        )


def check_bank(
    reason: ExchangeReason | None,
    old_bank: str,
    new_bank: str,
    old_financial: FinancialStatus,
    policy: CityPolicy,
) -> None:
    """REP-2c / REP-6: a new bank only by a change-of-bank the city allows, old bank settled."""
    changing = new_bank != old_bank
    if reason is ExchangeReason.BANK_CHANGE and not changing:
        raise BankUnchanged(field="bank_code")
    if not changing:
        return
    if reason not in (None, ExchangeReason.BANK_CHANGE):
        raise BankChangeIsItsOwnExchange(field="bank_code")
    if not policy.bank_change_allowed:
        raise BankChangeNotAllowed(field="bank_code")
    if old_financial not in FINANCIAL_SETTLED:
        raise OldBankNotSettled(field="bank_code", bank_code=old_bank)


def check_other_city(
    card_city: str, outlet_city: str, old_bank: str, old_financial: FinancialStatus
) -> None:
    """REP-1a: the account cannot move between cities; it is closed in the old city first."""
    if card_city != outlet_city and old_financial not in (
        FinancialStatus.CLOSED,
        FinancialStatus.ACCOUNT_REQUESTED,
    ):
        raise OtherCityAccountOpen(field="card_number", bank_code=old_bank)


def check_expiring(expiry: date, today: date) -> None:
    """ISS-7 / REP-2e: the expiry exchange from 90 days before the 10 years end."""
    if today < expiry_window_opens(expiry):
        raise NotYetExpiring(
            field="reason", expiry_date=expiry.isoformat(), days=EXPIRY_WINDOW_DAYS
        )


def check_reason_evidence(
    reason: ExchangeReason,
    card_made_at: datetime,
    last_correction_at: datetime | None,
    photo_taken_at: datetime | None,
) -> None:
    """REP-2b: a correction since the card was made; new photo: a photo taken since."""
    if reason is ExchangeReason.BASE_DATA_CHANGE and (
        last_correction_at is None or last_correction_at <= card_made_at
    ):
        raise NoCorrectionSinceIssue(field="reason")
    if reason is ExchangeReason.NEW_PHOTO and (
        photo_taken_at is None or photo_taken_at <= card_made_at
    ):
        raise NoNewPhoto(field="reason")


def is_repeat_case(count_in_month: int) -> bool:
    """REP-5: more than three replacements/exchanges by one person within a month."""
    return count_in_month > REPEAT_LIMIT_PER_MONTH


def month_before(moment: datetime) -> datetime:
    """The same moment one calendar month earlier (31 March -> 28/29 February)."""
    year, month = (moment.year, moment.month - 1) if moment.month > 1 else (moment.year - 1, 12)
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# ---- upgrade from an older generation (GEN-3) ----


class NotAnOlderGeneration(DomainError):
    code = "not_an_older_generation"
    status = 422
    rule = "GEN-3"
    message_zh = "升级换代只适用于第一代、第二代社保卡"
    message_en = "An upgrade is from a generation 1 or 2 card only"


class OtherBankFirst(DomainError):
    code = "other_bank_card_first"
    status = 409
    rule = "GEN-3"
    message_zh = "旧卡为其他银行（{bank_code}）的卡，须先到该行网点办理正式挂失或销户"
    message_en = (
        "The old card belongs to another bank ({bank_code}): report it lost or close it at "
        "that bank first"
    )


class OldCardRequired(DomainError):
    code = "old_card_required"
    status = 422
    rule = "GEN-3"
    message_zh = "本市升级换代须携带旧卡"
    message_en = "In this city the old card is brought to an upgrade"


def check_upgrade(old: OldCard, new_bank: str, policy: CityPolicy) -> None:
    """GEN-3: same bank, outside Jiangsu or no bank go straight; another bank is settled first."""
    if old.generation not in (1, 2):
        raise NotAnOlderGeneration(field="old_card.generation")
    if policy.upgrade_requires_old_card and not old.presented:
        raise OldCardRequired(field="old_card.presented")
    direct = old.issuer_city_code is None or old.bank_code in (None, new_bank)
    if not direct and old.bank_closure is BankClosure.NONE:
        raise OtherBankFirst(field="old_card.bank_closure", bank_code=old.bank_code)
