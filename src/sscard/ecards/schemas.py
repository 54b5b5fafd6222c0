"""The electronic card over HTTP (SPEC ECARD-1, ECARD-2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from sscard.ecards.qr import Scope
from sscard.platform.http.request import Body


class ChannelConsentView(BaseModel):
    code: str = Field(description="the channel's code in the national list (ecards.channels)")
    name_zh: str
    name_en: str
    consented: bool = Field(description="whether the ecard works in this channel (ECARD-1)")
    consented_at: datetime | None = Field(description="when the holder consented, UTC")


class EcardView(BaseModel):
    ecard_no: str = Field(description="the ecard's public number, 16 hexadecimal digits")
    status: str = Field(description="pending | active | suspended | moving | ended (ECARD-2)")
    status_zh: str
    usable: bool = Field(description="whether scenes may accept it now (LOSS-5)")
    card_number_masked: str = Field(description="the card behind it, masked (SPEC ID-6)")
    card_city_code: str = Field(description="the card-management city (JUR-1)")
    issued_at: datetime
    channels: list[ChannelConsentView] = Field(
        description="every synchronised-application channel and the holder's consent"
    )


class QrIn(Body):
    scope: Literal["identity", "entry", "hr_service"] = Field(
        description="what the code may be used for: an identity credential (SCN-1), entry to a "
        "scenic spot, museum or library (CUL-1), HR services (ECARD-5); medical settlement "
        "needs the ecard password (POST /api/v1/me/ecard/medical-qr)"
    )
    channel: str | None = Field(
        None, max_length=32, description="the synchronised-application channel showing it "
        "(ECARD-1: needs the holder's consent, GET /api/v1/me/ecard); absent in sscard's own "
        "online hall"
    )  # fmt: skip

    def domain(self) -> Scope:
        return Scope[self.scope.upper()]


class QrView(BaseModel):
    qr: str = Field(description="the code's text: SC1: + base45 (GET /api/v1/ecard-keys)")
    scope: str
    issued_at: datetime
    expires_at: datetime = Field(description="60 seconds after issue; one use (ECARD-3)")


class QrCheckIn(Body):
    qr: str = Field(min_length=4, max_length=200, description="the code's text as scanned")


class QrCheckView(BaseModel):
    valid: bool
    ecard_no: str
    scope: str
    card_city_code: str
    name: str = Field(description="the holder's name: in full for the identity scope, else masked")
    social_security_number: str = Field(
        description="in full for the identity scope (the ecard as the document shown), else masked"
    )
    person_id: int | None = Field(description="the holder, for the identity scope")


class PublishedKey(BaseModel):
    key_id: int
    algorithm: str = Field(description="SM2-SM3 (GB/T 32918, SM3 digest)")
    user_id: str = Field(description="the SM2 user id of the signature's ZA")
    public_key_hex: str = Field(description="04||x||y, 65 bytes in hexadecimal")
    created_at: datetime
    retired_at: datetime | None = Field(description="no longer signs since then")


class PublishedKeys(BaseModel):
    format: dict[str, Any] = Field(description="the code's layout, encoding and scopes")
    keys: list[PublishedKey]


class StatusListView(BaseModel):
    kind: Literal["full", "delta"]
    as_of: datetime = Field(description="the list's moment; a gate asks the next delta since it")
    entries: int = Field(description="ecards listed (full), or changed (delta)")
    key_id: int = Field(description="the published key that signed it")
    data_base64: str = Field(description="the signed bytes (layout: GET /api/v1/ecard-keys)")
    signature_hex: str = Field(description="SM2-SM3 over the data, r||s, 64 bytes")
