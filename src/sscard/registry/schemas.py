"""Request bodies. Field names are the API's contract; the domain gets plain dataclasses."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sscard.applications.lifecycle import RepresentativeRole
from sscard.applications.service import FirstApplication, RepresentativeInput
from sscard.kernel.actor import Role
from sscard.registry.documents import DocumentType, IdentityDocument, PersonCategory
from sscard.registry.service import PersonRegistration

CityCode = Field(pattern=r"^32\d{2}$", description="prefecture code, e.g. 3204 (Changzhou)")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DocumentIn(Body):
    type: DocumentType
    number: str = Field(min_length=1, max_length=40)
    valid_from: date | None = None
    valid_until: date | None = Field(None, description="last valid day; empty for long-term")

    def domain(self) -> IdentityDocument:
        return IdentityDocument(self.type, self.number, self.valid_until, self.valid_from)


class PersonIn(Body):
    name: str = Field(min_length=1, max_length=64)
    document: DocumentIn
    category: PersonCategory = PersonCategory.MAINLAND
    nationality: str = Field("CHN", pattern=r"^[A-Za-z]{3}$", description="ISO 3166 alpha-3")
    city_code: str = CityCode
    birth_date: date | None = Field(None, description="needed when the number carries none")
    gender: Literal["M", "F"] | None = None
    phone: str | None = Field(None, pattern=r"^1\d{10}$")
    full_civil_capacity: bool = True

    def domain(self) -> PersonRegistration:
        return PersonRegistration(
            name=self.name,
            document=self.document.domain(),
            category=self.category,
            nationality=self.nationality,
            city_code=self.city_code,
            birth_date=self.birth_date,
            gender=self.gender,
            phone=self.phone,
            full_civil_capacity=self.full_civil_capacity,
        )


class LookupIn(Body):
    social_security_number: str = Field(min_length=15, max_length=18)


class RepresentativeIn(Body):
    role: RepresentativeRole
    relationship: str = Field(min_length=1, max_length=32, examples=["parent"])
    name: str = Field(min_length=1, max_length=64)
    document: DocumentIn
    proof: str | None = Field(
        None, max_length=32, examples=["household_register", "birth_certificate", "elderly"]
    )

    def domain(self) -> RepresentativeInput:
        return RepresentativeInput(
            self.role, self.relationship, self.name, self.document.domain(), self.proof
        )


class ApplicationIn(Body):
    person_id: int = Field(gt=0)
    bank_code: str = Field(min_length=2, max_length=16)
    representative: RepresentativeIn | None = None

    def domain(self) -> FirstApplication:
        rep = self.representative.domain() if self.representative else None
        return FirstApplication(self.person_id, self.bank_code.upper(), rep)


class TransitionIn(Body):
    reason: str | None = Field(None, max_length=200)


class CollectIn(Body):
    document: DocumentIn


class ActorIn(Body):
    role: Role
    display_name: str = Field(min_length=1, max_length=64)
    outlet_code: str | None = None
    bank_code: str | None = None
    city_code: str | None = None
    person_id: int | None = None
    unit_code: str | None = None


class ClockAdvanceIn(Body):
    days: int = Field(0, ge=0, le=3660)
    hours: int = Field(0, ge=0, le=1000)
    minutes: int = Field(0, ge=0, le=100_000)


class SpecialDayIn(Body):
    day: date
    name: str = Field(min_length=1, max_length=64)


class CalendarYearIn(Body):
    holidays: list[SpecialDayIn]
    adjusted_workdays: list[SpecialDayIn] = Field(
        default_factory=list, description="weekend days that are working days (调休上班)"
    )
    source: str = Field(min_length=1, max_length=64, examples=["国务院办公厅通知 2027"])


class OutletPatch(Body):
    name_zh: str | None = Field(None, min_length=1, max_length=128)
    name_en: str | None = Field(None, min_length=1, max_length=256)
    making: Literal["instant", "fast"] | None = None
    address_zh: str | None = Field(None, min_length=1, max_length=256)
    phone: str | None = Field(None, max_length=32)
    hours_zh: str | None = Field(None, max_length=128)
    operations: list[str] | None = None
    active: bool | None = None


class CityBanksIn(Body):
    bank_codes: list[str] = Field(min_length=1)
    source: str = Field("admin", max_length=16)


class PolicyIn(Body):
    effective_from: date
    rules: dict[str, object] = Field(description="every CityPolicy field (SPEC CITY-3)")
    source: str = Field("admin", max_length=16)
    note: str | None = Field(None, max_length=500)
