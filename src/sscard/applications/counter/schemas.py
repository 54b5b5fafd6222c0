"""A person as the counter sees them, for the OpenAPI document (SPEC ID-6: masked)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from sscard.cards.schemas import CardView
from sscard.registry.schemas import DocumentView


class PersonFacts(BaseModel):
    """A person as every listing shows them (registry.service.person_view), masked."""

    person_id: int
    person_code: str
    name: str = Field(description="masked")
    social_security_number: str = Field(description="masked")
    gender: str | None
    age: int
    category: str
    nationality: str
    city_code: str
    phone: str | None = Field(description="masked")
    has_photo: bool


class PersonOverview(PersonFacts):
    documents: list[DocumentView]
    cards: list[CardView]
    open_application: str | None = Field(description="reference of the application in progress")
