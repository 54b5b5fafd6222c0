"""The common data standard of the delta exchange, pure (SPEC YRD-1..3; docs/DELTA.md).

A card's issuing place is read from its chip as a six-digit region code (发卡地行政区划代码,
GB/T 2260); its first two digits name the province. The uses a node may ask about are the
scenes' uses; every answer carries the card's own answer (LOSS-5) in both languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

STANDARD: Final = "yrd-card-status/1"
JIANGSU: Final = "32"

PROVINCE_ZH: Final = {"31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省"}
PROVINCE_EN: Final = {"31": "Shanghai", "32": "Jiangsu", "33": "Zhejiang", "34": "Anhui"}
PEERS: Final = frozenset({"31", "33", "34"})  # the delta's other provinces (YRD-1)

REGION: Final = re.compile(r"^\d{6}$")
REQUEST_ID: Final = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

# A Jiangsu card asked about by a province is followed there this long after the last question.
FOLLOWED_DAYS: Final = 365


class DeltaUse(StrEnum):
    """What a node may ask a card to do at one of its scenes (the scenes' uses, YRD-1)."""

    IDENTITY = "identity"
    MEDICAL = "medical"
    ENTRY = "entry"
    TICKET = "ticket"
    LIBRARY = "library"


def province_of(region: str) -> str:
    """The province (two digits) of a six-digit region code."""
    return region[:2]


def is_jiangsu(region: str | None) -> bool:
    """A card with no issuing region read, or one of Jiangsu's, is a Jiangsu card."""
    return region is None or province_of(region) == JIANGSU


@dataclass(frozen=True)
class StatusAnswer:
    """A node's answer about one card for one use, as the standard carries it."""

    province_code: str
    known: bool
    allowed: bool
    code: str
    reason_zh: str | None
    reason_en: str | None
    rule: str | None
    card_number_masked: str | None
    holder_name_masked: str | None


def unreachable(province_code: str, why_en: str) -> StatusAnswer:
    """What a Jiangsu scene is told when the card's own province cannot answer now."""
    zh = f"暂时无法向{PROVINCE_ZH.get(province_code, province_code)}社保卡节点核验该卡，请稍后再试"
    en = f"{PROVINCE_EN.get(province_code, province_code)}'s card node cannot answer now ({why_en})"
    return StatusAnswer(
        province_code, False, False, "delta_unreachable", zh, en, "YRD-3", None, None
    )


def not_a_peer(province_code: str) -> StatusAnswer:
    """A card issued outside the delta: no node of the exchange answers for it (YRD-1)."""
    zh = "该卡的发卡地不在长三角，不能在本省用卡场景受理"
    en = f"a card issued in province {province_code} is outside the delta exchange"
    return StatusAnswer(province_code, False, False, "outside_delta", zh, en, "YRD-1", None, None)


class NotTheStandard(ValueError):
    """A node's answer that is not the standard's shape; the text names the field."""


_MASKED: Final = re.compile(r"^[\w*]{1,32}$")


def read_answer(province_code: str, body: dict[str, object]) -> StatusAnswer:
    """A node's answer as the standard defines it (docs/DELTA.md); NotTheStandard otherwise.
    What a scene is shown from it is length-bounded text, never markup."""
    if body.get("standard") != STANDARD or body.get("province_code") != province_code:
        raise NotTheStandard("standard or province_code")
    known, allowed, code = body.get("known"), body.get("allowed"), body.get("code")
    if not isinstance(known, bool) or not isinstance(allowed, bool) or (allowed and not known):
        raise NotTheStandard("known or allowed")
    if not isinstance(code, str) or not re.fullmatch(r"[a-z_]{2,32}", code):
        raise NotTheStandard("code")
    texts = [_text(body, k, 200) for k in ("reason_zh", "reason_en", "rule")]
    if not allowed and (texts[0] is None or texts[1] is None):
        raise NotTheStandard("reason_zh or reason_en")
    masked = [_text(body, k, 32) for k in ("card_number_masked", "holder_name_masked")]
    if any(m is not None and not _MASKED.match(m) for m in masked):
        raise NotTheStandard("card_number_masked or holder_name_masked")
    return StatusAnswer(province_code, known, allowed, "ok" if allowed else code, *texts, *masked)


def _text(body: dict[str, object], key: str, longest: int) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > longest or "<" in value:
        raise NotTheStandard(key)
    return value
