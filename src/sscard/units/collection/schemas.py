"""Request and response bodies of collection by the unit (SPEC ISS-3, ISS-4, APP-3)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from sscard.platform.http.request import Body
from sscard.registry.schemas import DocumentIn
from sscard.units.collection.rules import CARRIER_MAX, WAYBILL_MAX, Outcome
from sscard.units.collection.service import Logistics


class HandToAgentIn(Body):
    mode: Literal["unit_agent"] = Field(description="the unit's named agent takes the cards")
    document: DocumentIn = Field(description="the agent's identity document, shown at the outlet")


class SendByLogisticsIn(Body):
    mode: Literal["logistics"] = Field(description="the outlet sends the cards by a carrier")
    carrier: str = Field(min_length=1, max_length=CARRIER_MAX, description="the carrier's name")
    waybill: str = Field(min_length=1, max_length=WAYBILL_MAX, description="the waybill number")

    def domain(self) -> Logistics:
        return Logistics(self.carrier, self.waybill)


class ReturnLineIn(Body):
    card_number: str = Field(min_length=1, max_length=16, description="a card on the list")
    outcome: Outcome = Field(
        description="distributed (handed out: collected) or returned_to_stock (not handed out)"
    )


class ReturnIn(Body):
    cards: list[ReturnLineIn] = Field(
        min_length=1, max_length=10_000, description="what the signed list says, card by card"
    )

    def domain(self) -> list[tuple[str, Outcome]]:
        return [(c.card_number, c.outcome) for c in self.cards]


class AgentView(BaseModel):
    name: str = Field(description="masked (ID-6)")
    number: str = Field(description="the agent's document number, masked (ID-6)")


class HandoverLineView(BaseModel):
    line: int = Field(description="the line on the distribution list")
    row_number: int = Field(description="the member's row in the batch's file")
    name: str | None = Field(description="masked (ID-6)")
    number: str | None = Field(description="the document number, masked (ID-6)")
    card_number: str
    application_reference: str
    application_status: str = Field(description="with_unit, collected, or produced if returned")
    application_status_zh: str | None
    outcome: str | None = Field(
        description="distributed, returned_to_stock, or null while with the unit"
    )
    recorded_at: datetime | None


class HandoverView(BaseModel):
    reference: str = Field(description="the hand-over's reference (FF + city + date + sequence)")
    batch_reference: str
    mode: str = Field(description="unit_agent or logistics")
    status: str = Field(description="with_unit, sent, delivered or closed")
    agent: AgentView | None = Field(description="the agent who took the cards; null: logistics")
    carrier: str | None
    waybill: str | None
    cards_total: int
    handed_at: datetime
    delivered_at: datetime | None
    closed_at: datetime | None
    lines: list[HandoverLineView]
