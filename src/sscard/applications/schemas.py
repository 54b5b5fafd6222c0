"""Request and response bodies of applications (SPEC APP-1..8, ISS-1..4)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from sscard.applications.lifecycle import (
    WITHDRAWAL_NOTE_MAX,
    RepresentativeRole,
    WithdrawalReason,
)
from sscard.applications.service import FirstApplication, RepresentativeInput, WithdrawalRequest
from sscard.cards.schemas import CardView
from sscard.platform.http.request import Body, IdField
from sscard.registry.schemas import DocumentIn, PersonName


class RepresentativeIn(Body):
    role: RepresentativeRole
    relationship: str = Field(min_length=1, max_length=32, examples=["parent"])
    name: PersonName
    document: DocumentIn
    proof: str | None = Field(
        None, max_length=32, examples=["household_register", "birth_certificate", "elderly"]
    )

    def domain(self) -> RepresentativeInput:
        return RepresentativeInput(
            self.role, self.relationship, self.name, self.document.domain(), self.proof
        )


class ApplicationIn(Body):
    person_id: IdField
    bank_code: str = Field(min_length=2, max_length=16)
    representative: RepresentativeIn | None = None

    def domain(self) -> FirstApplication:
        rep = self.representative.domain() if self.representative else None
        return FirstApplication(self.person_id, self.bank_code.upper(), rep)


class CollectIn(Body):
    document: DocumentIn


class WithdrawIn(Body):
    reason: WithdrawalReason = Field(
        description="applicant_request, death, duplicate, error or other (other needs a note)"
    )
    note: str | None = Field(
        None,
        max_length=WITHDRAWAL_NOTE_MAX,
        description="free text saying why; no ID or phone numbers (ID-6)",
    )

    def domain(self) -> WithdrawalRequest:
        return WithdrawalRequest(self.reason, self.note)


class WithdrawalView(BaseModel):
    reason: str = Field(description="applicant_request, death, duplicate, error, other")
    reason_zh: str
    note: str | None
    at: datetime


class ProgressStep(BaseModel):
    status: str
    at: datetime
    channel: str
    reason: str | None


class RepresentativeView(BaseModel):
    role: str
    relationship: str
    name: str = Field(description="masked")
    document_type: str
    document_number: str = Field(description="masked")


class ApplicationSummary(BaseModel):
    reference: str
    kind: str
    status: str = Field(
        description=(
            "accepted, in_production, produced, ready_for_collection, mailed (by EMS, APP-4),"
            " with_unit (given to the unit's agent, ISS-3), collected, withdrawn"
        )
    )
    channel: str
    making: str = Field(description="instant, fast or online (APP-2, APP-4)")
    city_code: str
    outlet_code: str | None
    outlet_name: str | None
    bank_code: str
    fee_fen: int
    person: dict[str, str] = Field(description="masked name and SSN")
    accepted_on: date
    accepted_at: datetime
    due_date: date | None = Field(description="null while the calendar year is not loaded")
    due_waits_for_calendar_year: int | None
    overdue: bool
    withdrawal: WithdrawalView | None = Field(
        description="why and when it was withdrawn (issue 11); null unless withdrawn"
    )
    delivery_mode: str | None = Field(
        description="ems (mailed, postage paid on delivery) or outlet (collected at the outlet"
        " named, in any Jiangsu city) for an online application (APP-4, APP-1); null: collected"
        " at the applying outlet"
    )
    tracking_number: str | None = Field(description="the EMS waybill number once mailed")


class DeliveryView(BaseModel):
    mode: str = Field(description="ems or outlet")
    address: str | None = Field(description="ems: province, city, district and masked street")
    recipient: str | None = Field(description="ems: masked name")
    phone: str | None = Field(description="ems: masked mobile number")
    tracking_number: str | None
    sent_at: datetime | None
    delivered_at: datetime | None
    returned_at: datetime | None = Field(description="last time EMS brought the card back")


class ApplicationView(ApplicationSummary):
    progress: list[ProgressStep]
    representative: RepresentativeView | None
    card: CardView | None
    delivery: DeliveryView | None = Field(description="an online application's delivery (APP-4)")


class ApplicationPage(BaseModel):
    items: list[ApplicationSummary]
    next_after: int | None = Field(description="pass as `after` for the next page; null at the end")
