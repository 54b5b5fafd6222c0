"""The simulated provinces' cards: generated from a seed, never a real person's, held in
memory (a restart starts them again; what sscard sent is kept in the simulator's log)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
PROVINCES = {"31": "上海市", "33": "浙江省", "34": "安徽省"}
# Where each province's cards come from, GB/T 2260: Shanghai 3101, Hangzhou 3301, Hefei 3401.
HOME_CITY = {"31": "3101", "33": "3301", "34": "3401"}


class Status(StrEnum):
    NORMAL = "normal"
    TEMPORARILY_LOST = "temporarily_lost"
    FORMALLY_LOST = "formally_lost"
    CANCELLED = "cancelled"


REFUSALS = {
    Status.TEMPORARILY_LOST: ("card_lost", "卡片已临时挂失", "temporarily reported lost", "LOSS-5"),
    Status.FORMALLY_LOST: ("card_lost", "卡片已正式挂失", "formally reported lost", "LOSS-5"),
    Status.CANCELLED: ("card_dead", "卡片已注销", "cancelled", "CAN-5"),
}


@dataclass
class Card:
    number: str
    region: str  # the issuing region, six digits
    holder_masked: str
    status: Status = Status.NORMAL
    filing_to: set[str] = field(default_factory=set)  # places a medical filing covers


def generate(province: str, count: int, seed: int) -> dict[str, Card]:
    """`count` cards of a province: every 10th temporarily lost, every 25th cancelled, every
    3rd with a medical filing for Jiangsu (32)."""
    rng = random.Random(f"{seed}:{province}")
    cards: dict[str, Card] = {}
    while len(cards) < count:
        k = len(cards)
        number = rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + f"{rng.randrange(10**8):08d}"
        card = Card(number, HOME_CITY[province] + "00", rng.choice(SURNAMES) + "*")
        if k % 10 == 9:
            card.status = Status.TEMPORARILY_LOST
        if k % 25 == 24:
            card.status = Status.CANCELLED
        if k % 3 == 0:
            card.filing_to.add("32")
        cards[number] = card
    return cards


def answer(card: Card | None, use: str, place_code: str) -> tuple[bool, str, tuple[str, ...]]:
    """(allowed, code, (reason_zh, reason_en, rule)) for a use at a Jiangsu place."""
    if card is None:
        return False, "unknown_card", ("本省无此社保卡", "no such card in this province", "YRD-1")
    if card.status in REFUSALS:
        code, zh, en, rule = REFUSALS[card.status]
        return False, code, (zh, en, rule)
    if use == "medical" and not any(place_code.startswith(p) for p in card.filing_to):
        zh, en = "参保地以外就医须先办理异地就医备案", "a cross-region filing is needed first"
        return False, "filing_missing", (zh, en, "MED-1")
    return True, "ok", ()
