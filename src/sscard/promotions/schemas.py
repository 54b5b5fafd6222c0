"""Promotions over HTTP (SPEC PRM-1). Amounts in fen, dates Beijing business dates."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from sscard.platform.http.request import Body
from sscard.promotions.rules import OfferKind, RedeemAt, Trigger
from sscard.scenes.rules import SceneKind
from sscard.scenes.schemas import TerminalBody


class OfferIn(Body):
    name_zh: str = Field(min_length=1, max_length=64)
    name_en: str = Field(min_length=1, max_length=64)
    kind: OfferKind
    sponsor: str = Field(min_length=1, max_length=64, description="who pays for it")
    trigger: Trigger = Field(description="the card event that grants it")
    bank_code: str | None = Field(
        None,
        max_length=16,
        description="only cards of this bank; a bank_outlet offer is redeemed at its counters",
    )
    city_code: str | None = Field(
        None,
        max_length=4,
        description="only cards of this city, and redeemed only at counters or scenes there",
    )
    value_fen: int = Field(description="the gift's or voucher's value, fen")
    redeem_at: RedeemAt = Field(
        description="bank_outlet: at a counter of bank_code; scene: at a terminal of scene_kinds"
    )
    scene_kinds: list[SceneKind] = Field(
        default_factory=list,
        max_length=len(SceneKind),
        description="redeem_at scene: the scene kinds whose terminals redeem it (a tourism "
        "voucher left empty: scenic_spot); empty for bank_outlet",
    )
    terms_zh: str = Field(min_length=1, max_length=200)
    terms_en: str = Field(min_length=1, max_length=200)
    effective_from: date
    effective_until: date | None = None
    grant_limit: int | None = Field(None, description="the most that may be granted")


class OfferView(BaseModel):
    code: str
    name_zh: str
    name_en: str
    kind: str
    sponsor: str
    trigger: str
    bank_code: str | None
    city_code: str | None
    value_fen: int
    redeem_at: str
    scene_kinds: list[str] = Field(description="the scene kinds whose terminals redeem it")
    terms_zh: str
    terms_en: str
    effective_from: date
    effective_until: date | None
    grant_limit: int | None
    granted: int | None = None
    redeemed: int | None = None
    in_force: bool | None = None


class GrantView(BaseModel):
    offer_code: str
    name_zh: str
    name_en: str
    kind: str
    value_fen: int
    terms_zh: str
    terms_en: str
    voucher_code: str = Field(description="shown at the counter or the gate: redeemed once")
    status: str = Field(description="granted | redeemed")
    granted_at: datetime
    redeemed_at: datetime | None
    redeem_at: str = Field(description="bank_outlet | scene")
    scene_kinds: list[str] = Field(description="scene: the kinds of scene that redeem it")
    city_code: str | None = Field(description="redeemed only in this city")
    effective_until: date | None


class MyOffersView(BaseModel):
    granted: list[GrantView]
    open: list[OfferView] = Field(description="in force for my card, not got yet")


class VoucherIn(Body):
    voucher_code: str = Field(min_length=1, max_length=16)


class SceneVoucherIn(TerminalBody):
    voucher_code: str = Field(min_length=1, max_length=16)


class RedeemedView(BaseModel):
    voucher_code: str
    offer_code: str
    name_zh: str
    name_en: str
    value_fen: int
    redeemed_at: datetime
    status: str
