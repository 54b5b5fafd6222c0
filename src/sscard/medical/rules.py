"""The medical rules sscard enforces, pure (SPEC MED-1, MED-2, ISS-5).

What the fund pays of a visit is computed by the medical-insurance rules, which sscard does not
own: the institution sends it. sscard splits the rest, the holder's share, between the personal
account (up to its balance, never below zero) and cash, and checks where the card may be used:
in the insured city freely, elsewhere only under a cross-region filing (异地就医备案) valid that
day for the place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from sscard.kernel.errors import invalid

MAX_AMOUNT_FEN: Final = 10_000_000_00  # ten million yuan: no single visit or credit is more
# Other provinces a filing may name (GB/T 2260 two-digit codes); Jiangsu's own places are cities.
PROVINCES: Final = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
    }
)
JIANGSU: Final = "32"


class FilingReason(StrEnum):
    """Why the insured is treated away from home (the national filing categories)."""

    RESIDENCE = "residence"  # 异地长期居住 (retired abroad, settled elsewhere)
    POSTING = "posting"  # 常驻异地工作
    REFERRAL = "referral"  # 转诊转院就医
    TEMPORARY = "temporary"  # 临时外出就医


REASON_ZH: Final = {
    FilingReason.RESIDENCE: "异地长期居住",
    FilingReason.POSTING: "常驻异地工作",
    FilingReason.REFERRAL: "转诊转院就医",
    FilingReason.TEMPORARY: "临时外出就医",
}
# A temporary or referral filing lasts at most this long; residence and posting until ended.
SHORT_FILING_DAYS: Final = 180
SHORT: Final = frozenset({FilingReason.REFERRAL, FilingReason.TEMPORARY})


def check_filing(
    reason: FilingReason, destination: str, insured_city: str, start: date, end: date | None,
    today: date,
) -> None:  # fmt: skip
    """InvalidInput unless the filing names a place other than home, starts today or later
    (not more than a year ahead) and, for a short reason, ends within SHORT_FILING_DAYS."""
    if destination == insured_city:
        raise invalid("destination_code", "不能备案到参保地本市", "cannot be the insured city")
    if len(destination) == 2 and destination not in PROVINCES:
        zh, en = "须为省外省份代码（如31上海）或省内城市代码", "must be another province or a city"
        raise invalid("destination_code", zh, en)
    if start < today or start > today + timedelta(days=366):
        zh, en = "须为今天起一年内的日期", "must be a date from today to a year ahead"
        raise invalid("valid_from", zh, en)
    if end is not None and end < start:
        raise invalid("valid_until", "不能早于开始日期", "cannot be before valid_from")
    if reason in SHORT:
        last = start + timedelta(days=SHORT_FILING_DAYS - 1)
        if end is None or end > last:
            zh = f"临时外出和转诊备案须有结束日期，最长{SHORT_FILING_DAYS}天"
            en = f"a temporary or referral filing ends within {SHORT_FILING_DAYS} days"
            raise invalid("valid_until", zh, en)


def needs_filing(insured_city: str, scene_city: str) -> bool:
    """MED-1: outside the insured city, the card pays only under a filing."""
    return insured_city != scene_city


def covers(destination: str, scene_city: str) -> bool:
    """A filing to a city covers that city; to a province, every city of it."""
    return destination == scene_city or (len(destination) == 2 and scene_city[:2] == destination)


def valid_on(start: date, end: date | None, cancelled: bool, day: date) -> bool:
    return not cancelled and start <= day and (end is None or day <= end)


@dataclass(frozen=True)
class Split:
    """A visit's total in fen: what the fund pays, what the personal account pays, the cash."""

    fund_fen: int
    account_fen: int
    cash_fen: int


def split(total_fen: int, fund_fen: int, balance_fen: int) -> Split:
    """MED-2: the holder's share (total less the fund's) comes from the personal account up to
    its balance, the rest in cash; the account never goes below zero."""
    if not 0 < total_fen <= MAX_AMOUNT_FEN:
        raise invalid("total_fen", "须为正数且不超过一千万元", "must be positive, at most 10M yuan")
    if not 0 <= fund_fen <= total_fen:
        raise invalid("fund_fen", "须在0与总额之间", "must be from 0 to the total")
    share = total_fen - fund_fen
    from_account = min(share, max(balance_fen, 0))
    return Split(fund_fen, from_account, share - from_account)
