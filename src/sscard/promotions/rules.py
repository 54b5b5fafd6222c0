"""Promotions, pure (SPEC PRM-1). Amounts in fen, dates Beijing business dates.

An offer is data: what it is, who sponsors it, the event that grants it (a person's financial
activation, a card collected), the bank and city it is limited to, the days it is in force,
how many may be granted, and where it is redeemed: at a counter of its bank, or at the
terminals of the scene kinds it names (a scenic spot, not a bus reader) — in either case
within its city when it has one. A person gets an offer at most once; a grant is redeemed at
most once, by its voucher code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from sscard.kernel.errors import Conflict, DomainError
from sscard.scenes.rules import KIND_EN, KIND_ZH, SceneKind

CODE: Final = re.compile(r"[A-Z0-9][A-Z0-9_-]{2,23}")
VOUCHER: Final = re.compile(r"[A-Z0-9]{12}")


class OfferKind(StrEnum):
    ACTIVATION_GIFT = "activation_gift"
    TRANSPORT_DISCOUNT = "transport_discount"
    TOURISM_VOUCHER = "tourism_voucher"
    SPEND_AND_SAVE = "spend_and_save"


KIND_LABELS: Final = {
    OfferKind.ACTIVATION_GIFT: ("激活礼", "activation gift"),
    OfferKind.TRANSPORT_DISCOUNT: ("乘车优惠", "transport discount"),
    OfferKind.TOURISM_VOUCHER: ("旅游消费券", "tourism voucher"),
    OfferKind.SPEND_AND_SAVE: ("满减优惠", "spend and save"),
}


class Trigger(StrEnum):
    """The card event that grants an offer."""

    FIRST_FINANCIAL_ACTIVATION = "first_financial_activation"  # ISS-4 at the card's bank
    CARD_COLLECTED = "card_collected"  # ISS-3


class RedeemAt(StrEnum):
    BANK_OUTLET = "bank_outlet"  # a counter of the offer's bank (an activation gift)
    SCENE = "scene"  # a registered scene's terminal (a scenic spot, a merchant)


# Where a scene offer is redeemed when the province names no scene kind: a tourism voucher is
# for 4A+ scenic spots (PRM-1, CUL-1). Other scene offers must name their kinds.
DEFAULT_SCENE_KINDS: Final[dict[OfferKind, frozenset[SceneKind]]] = {
    OfferKind.TOURISM_VOUCHER: frozenset({SceneKind.SCENIC_SPOT}),
}


def scene_kinds_of(
    kind: OfferKind, redeem_at: RedeemAt, named: frozenset[SceneKind]
) -> frozenset[SceneKind]:
    """The scene kinds whose terminals redeem an offer: those named, else the kind's default;
    none for an offer redeemed at a bank's counter."""
    if redeem_at is not RedeemAt.SCENE:
        return frozenset()
    return named or DEFAULT_SCENE_KINDS.get(kind, frozenset())


def place_problem(
    redeem_at: RedeemAt, bank_code: str | None, scene_kinds: frozenset[SceneKind]
) -> tuple[str, str, str] | None:
    """(field, zh, en) of what is wrong with where an offer is redeemed, or None: a counter
    offer needs its bank; a scene offer needs the scene kinds that redeem it."""
    if redeem_at is RedeemAt.BANK_OUTLET and bank_code is None:
        return "bank_code", "在银行网点核销的优惠须指定银行", "a bank counter offer names its bank"
    if redeem_at is RedeemAt.SCENE and not scene_kinds:
        zh, en = "在用卡场景核销的优惠须指定场景类别", "a scene offer names the scene kinds"
        return "scene_kinds", zh, en
    return None


@dataclass(frozen=True)
class Place:
    """Where an offer is redeemed (see the module docstring)."""

    redeem_at: RedeemAt
    bank_code: str | None
    city_code: str | None
    scene_kinds: frozenset[SceneKind]


def redeemed_at_counter(
    place: Place, outlet_kind: str, outlet_bank: str | None, outlet_city: str
) -> bool:
    """PRM-1: a counter offer, at an outlet of its bank, within its city when it has one."""
    return (
        place.redeem_at is RedeemAt.BANK_OUTLET
        and outlet_kind == "bank"
        and place.bank_code is not None
        and outlet_bank == place.bank_code
        and place.city_code in (None, outlet_city)
    )


def redeemed_at_scene(place: Place, scene_kind: SceneKind, scene_city: str) -> bool:
    """PRM-1: a scene offer, at a terminal of a kind it names, within its city when it has
    one (a scenic spot's voucher is not taken by a bus reader or a top-up kiosk)."""
    return (
        place.redeem_at is RedeemAt.SCENE
        and scene_kind in place.scene_kinds
        and place.city_code in (None, scene_city)
    )


def where_zh(place: Place, city_zh: str | None, bank_zh: str | None = None) -> str:
    """Where the offer is redeemed, in Chinese: 南京市的中国工商银行网点, 景区."""
    city = f"{city_zh}的" if city_zh else ""
    if place.redeem_at is RedeemAt.BANK_OUTLET:
        return f"{city}{bank_zh or place.bank_code}网点"
    kinds = "、".join(KIND_ZH[k] for k in sorted(place.scene_kinds)) or "指定用卡场景"
    return f"{city}{kinds}"


def where_en(place: Place, city_en: str | None, bank_en: str | None = None) -> str:
    """Where the offer is redeemed, in English: an outlet of ICBC in Nanjing."""
    city = f" in {city_en}" if city_en else ""
    if place.redeem_at is RedeemAt.BANK_OUTLET:
        return f"an outlet of {bank_en or place.bank_code}{city}"
    kinds = ", ".join(KIND_EN[k].lower() for k in sorted(place.scene_kinds))
    return f"a terminal of a {kinds or 'named scene'}{city}"


class GrantStatus(StrEnum):
    GRANTED = "granted"
    REDEEMED = "redeemed"


@dataclass(frozen=True)
class Offer:
    """One offer as stored (see the module docstring); `until` None: no end date."""

    code: str
    trigger: Trigger
    bank_code: str | None
    city_code: str | None
    effective_from: date
    effective_until: date | None
    grant_limit: int | None


def in_force(offer: Offer, day: date) -> bool:
    return offer.effective_from <= day and (
        offer.effective_until is None or day <= offer.effective_until
    )


def qualifies(offer: Offer, trigger: Trigger, bank_code: str, city_code: str, day: date) -> bool:
    """PRM-1: does a card of `bank_code` managed in `city_code` get `offer` for `trigger`
    on `day`."""
    return (
        offer.trigger is trigger
        and in_force(offer, day)
        and offer.bank_code in (None, bank_code)
        and offer.city_code in (None, city_code)
    )


def terms_problem(
    value_fen: int, effective_from: date, effective_until: date | None, grant_limit: int | None
) -> tuple[str, str, str] | None:
    """(field, zh, en) of what is wrong with an offer's terms, or None."""
    if isinstance(value_fen, bool) or not 0 <= value_fen <= 1_000_000:
        return "value_fen", "须为0至1000000分", "0 to 1,000,000 fen"
    if effective_until is not None and effective_until < effective_from:
        return "effective_until", "不能早于开始日期", "must not be before effective_from"
    if grant_limit is not None and not 1 <= grant_limit <= 100_000_000:
        return "grant_limit", "须为1至100000000", "1 to 100,000,000"
    return None


class AlreadyRedeemed(Conflict):
    code = "already_redeemed"
    rule = "PRM-1"
    message_zh = "该优惠券已于北京时间{at}使用，每张只能使用一次"
    message_en = "This voucher was redeemed at {at} Beijing time; each is redeemed once"


class NotRedeemedHere(DomainError):
    """The voucher shown at a counter or a terminal its offer does not name (PRM-1)."""

    code = "not_redeemed_here"
    status = 403
    rule = "PRM-1"
    message_zh = "该优惠只能在{where_zh}使用，此处不能核销"
    message_en = "This offer is redeemed only at {where_en}; it is not redeemed here"


class OfferEnded(Conflict):
    code = "offer_ended"
    rule = "PRM-1"
    message_zh = "该优惠活动已于{until}结束"
    message_en = "The offer ended on {until}"
