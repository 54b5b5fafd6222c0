"""HR services through the card over HTTP (SPEC ECARD-5, SCN-1)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from sscard.hr_services.rules import UnemploymentReason
from sscard.hr_services.service import Unemployment
from sscard.platform.http.request import Body


class CatalogueService(BaseModel):
    code: str
    name_zh: str
    name_en: str
    here: bool = Field(description="done through sscard")
    page: str | None = Field(description="the hall page where sscard does it, if another")


class CatalogueArea(BaseModel):
    area: str
    area_zh: str
    services: list[CatalogueService]


class CatalogueView(BaseModel):
    areas: list[CatalogueArea]


class HolderView(BaseModel):
    name: str
    social_security_number: str


class CertificateView(BaseModel):
    code: str = Field(description="the verification code, in groups of four")
    issued_at: datetime
    valid_until: date = Field(description="the code answers until then")
    answers: bool = Field(description="whether the code still answers today")
    insured_city_code: str
    insured_city_zh: str
    certifies_zh: str
    certifies_en: str
    holder: HolderView = Field(description="in full for the holder, masked for anyone else")


class UnemploymentIn(Body):
    reason: UnemploymentReason
    unemployed_since: date = Field(description="the last day of work (within the past year)")
    last_unit_code: str | None = Field(
        None, min_length=18, max_length=18, description="the last employer's credit code"
    )

    def domain(self) -> Unemployment:
        return Unemployment(self.reason, self.unemployed_since, self.last_unit_code)


class UnemploymentView(BaseModel):
    id: int
    city_code: str = Field(description="the HR agency's city: the card's")
    reason: str
    reason_zh: str
    unemployed_since: date
    last_unit_code: str | None
    status: str = Field(description="submitted: waiting for the HR agency")
    submitted_at: datetime
