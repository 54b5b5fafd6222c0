"""Request bodies. Field names are the API's contract; the domain gets plain dataclasses."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from sscard.kernel.text import normalise_number
from sscard.platform.http.request import Body
from sscard.registry.documents import DocumentType, IdentityDocument, PersonCategory
from sscard.registry.names import NameRefused, normalise_name
from sscard.registry.service import PersonRegistration

CityCode = Field(pattern=r"^32[0-9]{2}$", description="prefecture code, e.g. 3204 (Changzhou)")


def _printable_name(raw: str) -> str:
    try:
        return normalise_name(raw)
    except NameRefused as refused:
        raise PydanticCustomError(
            "person_name",
            "{reason_en}",
            {"reason_zh": refused.reason_zh, "reason_en": refused.reason_en},
        ) from None


def _typed_number(raw: object) -> object:
    return normalise_number(raw) if isinstance(raw, str) else raw


PersonName = Annotated[
    str,
    AfterValidator(_printable_name),
    Field(min_length=1, max_length=64, description="as printed on the card (registry/names.py)"),
]
MobilePhone = Annotated[
    str,
    BeforeValidator(_typed_number),
    Field(pattern=r"^1[0-9]{10}$", description="11 ASCII digits; full-width digits are taken"),
]


class DocumentIn(Body):
    type: DocumentType
    number: str = Field(min_length=1, max_length=40)
    valid_from: date | None = None
    valid_until: date | None = Field(None, description="last valid day; empty for long-term")

    def domain(self) -> IdentityDocument:
        return IdentityDocument(self.type, self.number, self.valid_until, self.valid_from)


class PersonIn(Body):
    name: PersonName
    document: DocumentIn
    category: PersonCategory = PersonCategory.MAINLAND
    nationality: str = Field("CHN", pattern=r"^[A-Za-z]{3}$", description="ISO 3166 alpha-3")
    city_code: str = CityCode
    birth_date: date | None = Field(None, description="needed when the number carries none")
    gender: Literal["M", "F"] | None = None
    phone: MobilePhone | None = None
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
    social_security_number: str = Field(
        min_length=15,
        max_length=40,
        description="as the holder types it: full-width digits and spaces are taken (ID-1)",
    )


class DocumentView(BaseModel):
    type: str
    number: str = Field(description="masked")
    valid_until: date | None
