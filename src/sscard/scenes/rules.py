"""What a scene may ask of a card, pure (SPEC SCN-1, MED-1, CUL-1, LOSS-5).

A scene's kind decides which uses its terminals may ask for: a government hall or a hotel checks
identity, a designated hospital or pharmacy settles medical bills, a scenic spot or museum admits
at its gate, a library lends. Each use is asked of the card as one of its uses (the card's one
answer, LOSS-5) and, for an ecard's code, needs a code shown for the matching scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from sscard.cards.lifecycle import CardUse
from sscard.ecards.qr import Scope


class SceneKind(StrEnum):
    HOSPITAL = "hospital"  # a designated (定点) medical institution
    PHARMACY = "pharmacy"  # a designated retail pharmacy
    SCENIC_SPOT = "scenic_spot"  # 4A and above
    MUSEUM = "museum"
    LIBRARY = "library"
    GOVERNMENT_HALL = "government_hall"
    HOTEL = "hotel"
    TRANSIT = "transit"  # a bus, metro, tram or ferry operator: its readers debit fares (TRN-3)
    TOP_UP_KIOSK = "top_up_kiosk"  # a self-service machine topping the transport purse up (TRN-2)
    NFC_APP = "nfc_app"  # a phone app topping the purse up over NFC (TRN-2)


KIND_ZH: Final = {
    SceneKind.HOSPITAL: "定点医疗机构",
    SceneKind.PHARMACY: "定点零售药店",
    SceneKind.SCENIC_SPOT: "景区",
    SceneKind.MUSEUM: "博物馆",
    SceneKind.LIBRARY: "图书馆",
    SceneKind.GOVERNMENT_HALL: "政务服务大厅",
    SceneKind.HOTEL: "酒店",
    SceneKind.TRANSIT: "公共交通运营单位",
    SceneKind.TOP_UP_KIOSK: "自助充值终端",
    SceneKind.NFC_APP: "手机NFC充值渠道",
}
KIND_EN: Final = {
    SceneKind.HOSPITAL: "Designated medical institution",
    SceneKind.PHARMACY: "Designated retail pharmacy",
    SceneKind.SCENIC_SPOT: "Scenic spot",
    SceneKind.MUSEUM: "Museum",
    SceneKind.LIBRARY: "Library",
    SceneKind.GOVERNMENT_HALL: "Government service hall",
    SceneKind.HOTEL: "Hotel",
    SceneKind.TRANSIT: "Public transport operator",
    SceneKind.TOP_UP_KIOSK: "Self-service top-up kiosk",
    SceneKind.NFC_APP: "Phone NFC top-up app",
}


class SceneUse(StrEnum):
    """What a terminal asks to do with the card it is shown."""

    IDENTITY = "identity"  # an identity credential for the scene's record (SCN-1)
    MEDICAL = "medical"  # a medical settlement (MED-1)
    ENTRY = "entry"  # admission at a gate (CUL-1)
    TICKET = "ticket"  # a ticket sold to the card, checked at the gate (CUL-1)
    LIBRARY = "library"  # the card as a reader's card (CUL-1)
    FARE = "fare"  # a fare debited from the transport purse (TRN-3): the purse, not the card
    TOP_UP = "top_up"  # a top-up of the transport purse written by the terminal (TRN-2)


USE_ZH: Final = {
    SceneUse.IDENTITY: "身份核验",
    SceneUse.MEDICAL: "医保结算",
    SceneUse.ENTRY: "入园入馆",
    SceneUse.TICKET: "购票",
    SceneUse.LIBRARY: "图书借阅",
    SceneUse.FARE: "乘车扣款",
    SceneUse.TOP_UP: "交通钱包充值",
}
USE_EN: Final = {
    SceneUse.IDENTITY: "Identity check",
    SceneUse.MEDICAL: "Medical insurance settlement",
    SceneUse.ENTRY: "Entry",
    SceneUse.TICKET: "Ticket",
    SceneUse.LIBRARY: "Library loan",
    SceneUse.FARE: "Fare",
    SceneUse.TOP_UP: "Transport purse top-up",
}

KIND_USES: Final[dict[SceneKind, frozenset[SceneUse]]] = {
    SceneKind.HOSPITAL: frozenset({SceneUse.MEDICAL, SceneUse.IDENTITY}),
    SceneKind.PHARMACY: frozenset({SceneUse.MEDICAL}),
    SceneKind.SCENIC_SPOT: frozenset({SceneUse.ENTRY, SceneUse.TICKET}),
    SceneKind.MUSEUM: frozenset({SceneUse.ENTRY, SceneUse.TICKET}),
    SceneKind.LIBRARY: frozenset({SceneUse.LIBRARY, SceneUse.ENTRY}),
    SceneKind.GOVERNMENT_HALL: frozenset({SceneUse.IDENTITY}),
    SceneKind.HOTEL: frozenset({SceneUse.IDENTITY}),
    SceneKind.TRANSIT: frozenset({SceneUse.FARE}),
    SceneKind.TOP_UP_KIOSK: frozenset({SceneUse.TOP_UP}),
    SceneKind.NFC_APP: frozenset({SceneUse.TOP_UP}),
}

# The card's own answer is asked for this use (LOSS-5, ISS-7).
CARD_USE: Final = {
    SceneUse.IDENTITY: CardUse.IDENTITY,
    SceneUse.MEDICAL: CardUse.MEDICAL,
    SceneUse.ENTRY: CardUse.SCENE_ENTRY,
    SceneUse.TICKET: CardUse.SCENE_ENTRY,
    SceneUse.LIBRARY: CardUse.SCENE_ENTRY,
    SceneUse.FARE: CardUse.TRANSPORT,
    SceneUse.TOP_UP: CardUse.TRANSPORT,
}

# An ecard's code is accepted for a use only when shown for one of these scopes (ECARD-3).
QR_SCOPES: Final = {
    SceneUse.IDENTITY: frozenset({Scope.IDENTITY}),
    SceneUse.MEDICAL: frozenset({Scope.MEDICAL}),
    SceneUse.ENTRY: frozenset({Scope.ENTRY}),
    SceneUse.TICKET: frozenset({Scope.ENTRY}),
    SceneUse.LIBRARY: frozenset({Scope.ENTRY}),
    SceneUse.FARE: frozenset(),  # the T-Union purse is on the chip: no ecard code pays a fare
    SceneUse.TOP_UP: frozenset(),
}

# The uses whose record needs the holder's full name and number; the others get them masked.
FULL_IDENTITY: Final = frozenset({SceneUse.IDENTITY, SceneUse.MEDICAL})

OPERATOR_CODE: Final = re.compile(r"^[A-Z0-9]{6,20}$")
TERMINAL_CODE: Final = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")  # kept in capitals


class Language(StrEnum):
    """The language a terminal shows its refusals in."""

    ZH = "zh"
    EN = "en"


@dataclass(frozen=True)
class Refusal:
    """Why a scene may not take the card now, in both languages, with the rule."""

    code: str
    reason_zh: str
    reason_en: str
    rule: str | None

    def reason(self, language: Language) -> str:
        return self.reason_zh if language is Language.ZH else self.reason_en


def not_exchanged(use: SceneUse) -> Refusal:
    """YRD-1: of another delta province's card, a Jiangsu scene asks identity and admission;
    a settlement, a ticket or a loan needs records that stay in the card's own province."""
    return Refusal(
        "not_exchanged",
        f"外省社保卡在本省暂只受理身份核验和入园入馆，不能办理“{USE_ZH[use]}”",
        f"'{use.value}' is not exchanged for another province's card: identity and admission are",
        "YRD-1",
    )


def use_not_offered(kind: SceneKind, use: SceneUse) -> Refusal | None:
    """A scene asks only for the uses its kind offers (a hotel does not settle medical bills)."""
    if use in KIND_USES[kind]:
        return None
    return Refusal(
        "use_not_offered",
        f"{KIND_ZH[kind]}不能办理“{USE_ZH[use]}”",
        f"a {kind.value.replace('_', ' ')} does not offer '{use.value}'",
        "SCN-1",
    )
