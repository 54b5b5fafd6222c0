"""What an insurance certificate and an unemployment registration need, pure (SPEC ECARD-5)."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from sscard.kernel.errors import invalid

CERTIFICATE_DAYS: Final = 90  # a certificate's verification code answers this long
_ALPHABET: Final = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read off paper


class UnemploymentReason(StrEnum):
    CONTRACT_ENDED = "contract_ended"  # 劳动合同期满
    DISMISSED = "dismissed"  # 被用人单位解除
    RESIGNED = "resigned"  # 本人辞职
    BUSINESS_CLOSED = "business_closed"  # 个体经营停业
    GRADUATE = "graduate"  # 毕业未就业


REASON_ZH: Final = {
    UnemploymentReason.CONTRACT_ENDED: "劳动合同期满终止",
    UnemploymentReason.DISMISSED: "用人单位解除劳动关系",
    UnemploymentReason.RESIGNED: "本人辞职",
    UnemploymentReason.BUSINESS_CLOSED: "个体经营停业",
    UnemploymentReason.GRADUATE: "毕业后未就业",
}


def verification_code() -> str:
    """16 characters from an alphabet without look-alikes: 80 random bits, printed in 4 groups."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(16))


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalised(code: str) -> str:
    return code.replace("-", "").replace(" ", "").upper()


def check_unemployed_since(since: date, today: date) -> None:
    """The last day of work is in the past, at most a year ago."""
    if since > today or since < today - timedelta(days=366):
        zh, en = "须为今天及以前一年内的日期", "must be a date within the past year"
        raise invalid("unemployed_since", zh, en)
