"""The cardholder's own record, for the OpenAPI document (SPEC ID-6: masked)."""

from __future__ import annotations

from pydantic import Field

from sscard.applications.counter.schemas import PersonFacts
from sscard.applications.schemas import ApplicationView
from sscard.cards.schemas import CardView
from sscard.platform.notify.schemas import NotificationView


class MyRecord(PersonFacts):
    cards: list[CardView] = Field(description="every card of the person, with its states")
    open_application: ApplicationView | None = Field(
        description="the application in progress with its progress and due date (APP-7)"
    )
    messages: list[NotificationView] = Field(description="the latest messages sent, newest first")
