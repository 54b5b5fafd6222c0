"""HTTP bodies and answers of the unit channel (issue 13; SPEC APP-3)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from sscard.platform.http.request import Body
from sscard.registry.schemas import DocumentIn, MobilePhone
from sscard.units.rules import Delivery, UnitBasis, UnitKind
from sscard.units.service import AgentNaming, UnitRegistration


class UnitIn(Body):
    credit_code: str = Field(
        min_length=1,
        max_length=40,
        description="unified social credit code (GB 32100): the unit's, or with basis "
        "authorisation_letter the authorising unit's",
    )
    name: str = Field(min_length=1, max_length=100, description="the unit's registered name")
    kind: UnitKind = Field(description="government, enterprise, institution or school (APP-3)")
    basis: UnitBasis = Field(
        UnitBasis.CREDIT_CODE_CERTIFICATE,
        description="what the agent brought: the credit code certificate or a letter of "
        "authorisation",
    )
    letter_reference: str | None = Field(
        None, max_length=64, description="the letter of authorisation's reference (required then)"
    )

    def domain(self) -> UnitRegistration:
        return UnitRegistration(
            self.credit_code, self.name, self.kind, self.basis, self.letter_reference
        )


class AgentIn(Body):
    name: str = Field(min_length=1, max_length=50, description="the agent's name")
    document: DocumentIn = Field(description="the agent's identity document, examined (ID-1/2)")
    phone: MobilePhone
    username: str = Field(
        min_length=3, max_length=32, description="sign-in name of the agent's console account"
    )

    def domain(self) -> AgentNaming:
        return AgentNaming(self.name, self.document.domain(), self.phone, self.username)


class AgentView(BaseModel):
    id: int
    name: str = Field(description="masked (ID-6)")
    document_type: str
    document_number: str = Field(description="masked")
    phone: str | None = Field(description="masked")
    active: bool
    named_at: datetime
    ended_at: datetime | None


class NamedAgentView(AgentView):
    account_id: int
    username: str
    initial_password: str = Field(
        description="one-time password, shown once; the agent sets their own and enrols an "
        "authenticator app at the first sign-in at /signin"
    )


class UnitSummary(BaseModel):
    credit_code: str
    name: str
    kind: UnitKind
    kind_zh: str
    basis: UnitBasis
    letter_reference: str | None
    city_code: str
    outlet_code: str = Field(description="the registering outlet, where the unit collects")
    outlet_name: str
    active: bool
    registered_at: datetime


class UnitView(UnitSummary):
    agents: list[AgentView]


class UnitPage(BaseModel):
    items: list[UnitSummary]
    next_after: int | None


class BatchUnit(BaseModel):
    credit_code: str | None
    name: str | None


class BatchView(BaseModel):
    reference: str = Field(description="PC + city + date + sequence")
    unit: BatchUnit
    bank_code: str = Field(description="the one cooperating bank for all members (APP-3)")
    delivery: Delivery
    file_name: str
    file_kind: str = Field(description="xlsx or csv")
    status: str = Field(description="received (the worker judges it soon), validated or failed")
    rows_total: int
    rows_accepted: int
    rows_refused: int
    accepted_on: date
    due_date: date = Field(description="accepted_on + 30 calendar days (APP-3: no instant making)")
    due_counted_in: str = Field(description="calendar: the due date counts calendar days")
    uploaded_at: datetime
    finished_at: datetime | None
    failure_code: str | None = Field(description="why a received file could not be read")
    progress: str | None = Field(description="reading or judging, while the worker works")


class BatchPage(BaseModel):
    items: list[BatchView]
    next_after: int | None


class RowRefusalView(BaseModel):
    code: str = Field(description="stable code of the refusal")
    field: str = Field(description="the registration form's column at fault")
    column_zh: str
    message_zh: str
    message_en: str


class BatchRowView(BaseModel):
    row_number: int = Field(description="the row in the uploaded file, 1-based")
    outcome: str = Field(description="accepted or refused")
    name: str | None = Field(description="masked (ID-6)")
    document_number: str | None = Field(description="masked")
    application_reference: str | None
    photo_pending: bool = Field(description="the unit supplies the photo later (APP-5)")
    refusal: RowRefusalView | None


class BatchRowPage(BaseModel):
    items: list[BatchRowView]
    next_after: int | None = Field(description="the row number to pass as `after` next")


class ProcessedView(BaseModel):
    processed: list[str] = Field(description="references of the batches judged")
