"""The scenes over HTTP (SPEC SCN-1, LOSS-5, ECARD-3)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from sscard.platform.http.request import Body
from sscard.scenes.rules import SceneKind
from sscard.scenes.service import NewScene, OfflineScan, Presented


class SceneIn(Body):
    code: str = Field(
        min_length=6, max_length=20, description="the scene's code, 6-20 capitals or digits "
        "(a designated institution's national code, a venue's registration code)"
    )  # fmt: skip
    name: str = Field(min_length=1, max_length=64)
    kind: SceneKind = Field(description="what kind of place it is: decides the uses it may ask")
    city_code: str = Field(pattern=r"^[0-9]{4}$", description="the city it is in (GOV-1)")
    area_code: str | None = Field(
        None,
        pattern=r"^[0-9]{6}$",
        description="its county-level area (GB/T 2260), where a fare differs there (TRN-3)",
    )

    def domain(self) -> NewScene:
        return NewScene(self.code, self.name, self.kind.value, self.city_code, self.area_code)


class TerminalIn(Body):
    terminal_code: str = Field(
        min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", description="the "
        "scene's own name for the terminal (gate 3, counter 12), kept in capitals"
    )  # fmt: skip
    language: Literal["zh", "en"] = Field("zh", description="the language of its refusals")


class TerminalView(BaseModel):
    id: int
    terminal_code: str
    language: str
    active: bool
    registered_at: datetime


class SceneView(BaseModel):
    code: str
    name: str
    kind: str
    kind_zh: str
    uses: list[str] = Field(description="what its terminals may ask for (rules.KIND_USES)")
    city_code: str
    area_code: str | None = Field(None, description="its county-level area, if registered")
    active: bool
    registered_at: datetime
    terminals: list[TerminalView] | int = Field(
        description="its terminals (one scene), or how many are active (the list)"
    )


class TerminalRegistered(BaseModel):
    scene_code: str
    terminal_code: str
    token: str = Field(description="the terminal's API token: shown once")
    signing_key: str = Field(description="its HMAC-SM3 key, 64 hexadecimal digits: shown once")
    signature: str = Field(description="how a request is signed")


class TerminalBody(Body):
    """What every request of a scene's terminal carries besides its signature: an id of its
    own, so that a request captured and sent again inside the signature's window is refused."""

    request_id: str = Field(
        min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
        description="unique per request of this terminal (a UUID): one seen before is refused",
    )  # fmt: skip


class PresentedIn(TerminalBody):
    """What the holder shows: the card (its number as the chip reads it) or an ecard code."""

    card_number: str | None = Field(
        None, pattern=r"^[A-Za-z][0-9]{8}$", description="the card number read from the chip"
    )
    qr: str | None = Field(
        None, min_length=4, max_length=200, description="an ecard code as scanned (ECARD-3)"
    )
    issuer_region: str | None = Field(
        None,
        pattern=r"^[1-8][0-9]{5}$",
        description="the card's issuing region as the chip reads it (GB/T 2260, 6 digits); "
        "absent or 32xxxx for a Jiangsu card, another delta province's is asked of its node "
        "(YRD-1)",
    )

    @model_validator(mode="after")
    def _one_credential(self) -> PresentedIn:
        if (self.card_number is None) == (self.qr is None):
            raise PydanticCustomError(
                "choose_one",
                "give exactly one of card_number and qr",
                {"reason_zh": "card_number 与 qr 须给出且只给出一个"},
            )
        if self.qr is not None and self.issuer_region is not None:
            raise PydanticCustomError(
                "choose_one",
                "issuer_region goes with card_number, not with qr",
                {"reason_zh": "issuer_region 只随 card_number 给出，不能与 qr 同时给出"},
            )
        return self

    def domain(self) -> Presented:
        return Presented(self.card_number, self.qr, self.issuer_region)


class HolderView(BaseModel):
    name: str = Field(description="in full where the use needs it for the record, else masked")
    social_security_number: str | None = Field(
        description="likewise; null for another province's card, whose record stays there"
    )


class SceneAnswer(BaseModel):
    allowed: bool
    use: str = Field(description="identity | medical | entry | library")
    credential: str = Field(description="card | ecard")
    use_id: int = Field(description="the recorded use (statistics)")
    code: str = Field(description="ok, or the refusal's stable code")
    reason: str | None = Field(description="the refusal in the terminal's language")
    reason_zh: str | None
    reason_en: str | None
    rule: str | None = Field(description="the SPEC rule behind the refusal")
    card_number_masked: str | None
    card_city_code: str | None
    card_province_code: str = Field(description="the issuing province: 32, or 31, 33, 34")
    holder: HolderView | None = Field(description="when allowed")


class OfflineScanIn(Body):
    qr: str = Field(min_length=4, max_length=200, description="the code's text as scanned")
    scanned_at: datetime = Field(description="the gate's clock, with its time zone")
    admitted: bool = Field(description="whether the gate let the holder in")

    def domain(self) -> OfflineScan:
        return OfflineScan(self.qr, self.scanned_at, self.admitted)


class OfflineScansIn(TerminalBody):
    scans: list[OfflineScanIn] = Field(min_length=1, max_length=1000)


class OfflineFinding(BaseModel):
    finding: str = Field(
        description="first_use | used_twice | outside_validity | wrong_scope | not_listed | "
        "use_not_offered | forged | already_uploaded | uploaded_too_late (more than a day "
        "after the scan: not reconciled)"
    )
    ecard_no: str | None


class OfflineReconciliation(BaseModel):
    counts: dict[str, int] = Field(description="scans by finding")
    scans: list[OfflineFinding] = Field(description="in the order uploaded")


class UseCount(BaseModel):
    use: str
    credential: str
    card_city_code: str | None
    allowed: bool
    refusal_code: str | None
    uses: int


class SceneUsesView(BaseModel):
    scene: SceneView
    since: datetime
    until: datetime
    counts: list[UseCount]
