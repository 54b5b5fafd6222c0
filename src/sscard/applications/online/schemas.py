"""The cardholder's own record, for the OpenAPI document (SPEC ID-6: masked)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from sscard.applications.schemas import ApplicationView
from sscard.cards.schemas import CardView
from sscard.platform.notify.schemas import NotificationView


class MyRecord(BaseModel):
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
    cards: list[CardView] = Field(description="every card of the person, with its states")
    open_application: ApplicationView | None = Field(
        description="the application in progress with its progress and due date (APP-7)"
    )
    messages: list[NotificationView] = Field(description="the latest messages sent, newest first")
