"""The common data standard of the delta exchange, pure (SPEC YRD-1..3; docs/DELTA.md).

A card's issuing place is read from its chip as a six-digit region code (发卡地行政区划代码,
GB/T 2260); its first two digits name the province. The uses a node may ask about are the
scenes' uses; every answer carries the card's own answer (LOSS-5) in both languages.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

STANDARD: Final = "yrd-card-status/1"
JIANGSU: Final = "32"

PROVINCE_ZH: Final = {"31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省"}
PROVINCE_EN: Final = {"31": "Shanghai", "32": "Jiangsu", "33": "Zhejiang", "34": "Anhui"}
PEERS: Final = frozenset({"31", "33", "34"})  # the delta's other provinces (YRD-1)

REGION: Final = re.compile(r"^[0-9]{6}$")
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


_MASKED_CARD: Final = re.compile(r"^[A-Z0-9]{1,3}\*+[0-9]{1,2}$")
_MASKED_NAME: Final = re.compile(r"^[^*\s<>&]{1,4}\*+$")


def read_answer(
    province_code: str, body: dict[str, object], question: dict[str, object]
) -> StatusAnswer:
    """A node's answer to `question` as the standard defines it (docs/DELTA.md); NotTheStandard
    otherwise: another question's id or use, a card that is not the one asked about, text with
    markup or a control character, or a name or number that is not masked. What a scene is
    shown from it is short plain text."""
    if body.get("standard") != STANDARD or body.get("province_code") != province_code:
        raise NotTheStandard("standard or province_code")
    if body.get("request_id") != question["request_id"] or body.get("use") != question["use"]:
        raise NotTheStandard("request_id or use: not this question's answer")
    known, allowed, code = body.get("known"), body.get("allowed"), body.get("code")
    if not isinstance(known, bool) or not isinstance(allowed, bool) or (allowed and not known):
        raise NotTheStandard("known or allowed")
    if not isinstance(code, str) or not re.fullmatch(r"[a-z_]{2,32}", code):
        raise NotTheStandard("code")
    zh, en = _text(body, "reason_zh", 200), _text(body, "reason_en", 200)
    rule = _text(body, "rule", 16)
    if not allowed and (zh is None or en is None):
        raise NotTheStandard("reason_zh or reason_en")
    card = _masked(body, "card_number_masked", _MASKED_CARD)
    asked = str(question["card_number"]).upper()
    if card is not None and not (asked.startswith(card.split("*")[0]) and
                                 asked.endswith(card.rsplit("*", 1)[1])):  # fmt: skip
        raise NotTheStandard("card_number_masked: not the card asked about")
    name = _masked(body, "holder_name_masked", _MASKED_NAME)
    return StatusAnswer(
        province_code, known, allowed, "ok" if allowed else code, zh, en, rule, card, name
    )


def _text(body: dict[str, object], key: str, longest: int) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > longest:
        raise NotTheStandard(key)
    if any(ch in "<>&" or unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in value):
        raise NotTheStandard(key)
    return value


def _masked(body: dict[str, object], key: str, shape: re.Pattern[str]) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not shape.match(value):
        raise NotTheStandard(f"{key}: not masked")
    return value
