"""Request and response models of card cancellation (SPEC CAN-1..5, JUR-2)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from sscard.cards.cancellation.rules import (
    CancellationReason,
    CancellationRequest,
    Relationship,
    RepresentativeInput,
)
from sscard.cards.schemas import CardView, Reminder
from sscard.platform.http.request import Body
from sscard.registry.schemas import DocumentIn, PersonName


class CancelRepresentativeIn(Body):
    name: PersonName
    document: DocumentIn = Field(description="the representative's own ID (validated, ID-1/2)")
    relationship: Relationship | None = Field(
        None, description="to the holder; required after a death (CAN-4)"
    )

    def domain(self) -> RepresentativeInput:
        return RepresentativeInput(self.name, self.document.domain(), self.relationship)


class CancelIn(Body):
    reason: CancellationReason = Field(description="CAN-1; transfer_out_of_province is JUR-2")
    card_presented: bool = Field(False, description="the card is handed in at the counter")
    police_certificate_number: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        description="police death certificate, or certificate of settling abroad (CAN-4)",
    )
    transfer_certificate_number: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        description="social-insurance transfer certificate (CAN-4, JUR-2)",
    )
    holder_document: DocumentIn | None = Field(
        None, description="the holder's own ID: transfer, or settling abroad in person"
    )
    representative: CancelRepresentativeIn | None = Field(
        None, description="family member after a death; agent for settling abroad (city policy)"
    )
    note: str | None = Field(None, max_length=200)

    def domain(self) -> CancellationRequest:
        return CancellationRequest(
            reason=self.reason,
            card_presented=self.card_presented,
            police_certificate_number=self.police_certificate_number,
            transfer_certificate_number=self.transfer_certificate_number,
            holder_document=self.holder_document.domain() if self.holder_document else None,
            representative=self.representative.domain() if self.representative else None,
            note=self.note,
        )


class NoticeLink(BaseModel):
    reference: str = Field(description="number of the closure notice (金融销户通知书)")
    issued_at: datetime
    pdf: str = Field(description="path of the printable notice")


class CancellationSummary(BaseModel):
    reference: str
    card_number: str
    reason: str
    reason_zh: str
    rule: str = Field(description="CAN-1, or JUR-2 for a transfer out of the province")
    person: dict[str, str] = Field(description="masked name and SSN")
    city_code: str = Field(description="card-management city")
    bank_code: str
    bank_name: str
    outlet_code: str = Field(description="issuing HR outlet")
    outlet_name: str
    cancelled_at: datetime
    notice: NoticeLink


class CancellationNotices(BaseModel):
    losses_on_holder: Reminder = Field(
        description="CAN-2: losses from cancelling fall on the holder"
    )
    next_step: Reminder = Field(description="CAN-3: close the account at the card's bank")


class CancelRepresentativeView(BaseModel):
    role: str = Field(description="family_member or agent")
    relationship: str | None
    name: str = Field(description="masked")
    document_type: str
    document_number: str = Field(description="masked")


class CancellationView(CancellationSummary):
    presenter: str = Field(description="holder, family_member or agent (CAN-4)")
    card_presented: bool
    police_certificate_number: str | None
    transfer_certificate_number: str | None
    note: str | None
    representative: CancelRepresentativeView | None
    card: CardView = Field(description="hr_status cancelled; financial_status as the bank says")
    notices: CancellationNotices


class CancellationPage(BaseModel):
    items: list[CancellationSummary]
    next_after: int | None = Field(description="pass as `after` for the next page; null at the end")
