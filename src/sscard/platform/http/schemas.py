"""Response shapes, for the OpenAPI document only: handlers return plain data rendered with
orjson, so these models describe the answers without re-validating them on every request."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class Problem(BaseModel):
    """application/problem+json (RFC 9457) with sscard's members."""

    type: str
    title: str
    status: int
    code: str = Field(description="stable machine code, e.g. live_card_exists")
    rule: str | None = Field(description="the SPEC rule enforced, e.g. ID-3")
    field: str | None = Field(description="the request field at fault, dotted")
    detail: str = Field(description="detail_zh, or detail_en when Accept-Language starts with en")
    detail_zh: str
    detail_en: str


class DocumentView(BaseModel):
    type: str
    number: str = Field(description="masked")
    valid_until: date | None


class CardView(BaseModel):
    card_number: str = Field(description="a letter and 8 digits")
    identification_code: str = Field(description="32 characters: area + D156000005 + 16 hex")
    city_code: str
    bank_code: str
    generation: int
    spec_version: str
    issue_date: date
    expiry_date: date = Field(description="issue date + 10 years (ISS-7)")
    hr_status: str
    financial_status: str
    account: str | None = Field(description="masked bank account, once the bank opened it")


class LossView(BaseModel):
    reported_at: datetime
    until: datetime | None = Field(description="end of a temporary loss (LOSS-1); null if formal")
    channel: str = Field(description="channel that took the loss; a formal unlock uses it (LOSS-3)")


class Reminder(BaseModel):
    zh: str
    en: str


class CardStateView(CardView):
    loss: LossView | None
    reminder: Reminder | None = Field(None, description="e.g. report the bank side too (LOSS-2)")


class UseAnswerView(BaseModel):
    card_number: str
    use: str
    allowed: bool
    code: str = Field(description="ok, card_lost, card_dead, not_collected, ...")
    reason_zh: str
    reason_en: str
    rule: str | None


class SweepResult(BaseModel):
    lifted: int = Field(description="temporary losses recorded as lifted by this sweep")


class PersonOverview(BaseModel):
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
    documents: list[DocumentView]
    has_photo: bool
    cards: list[CardView]
    open_application: str | None = Field(description="reference of the application in progress")


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
        description="accepted, in_production, produced, ready_for_collection, collected"
    )
    channel: str
    making: str = Field(description="instant or fast")
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


class ApplicationView(ApplicationSummary):
    progress: list[ProgressStep]
    representative: RepresentativeView | None
    card: CardView | None


class ApplicationPage(BaseModel):
    items: list[ApplicationSummary]
    next_after: int | None = Field(description="pass as `after` for the next page; null at the end")


PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {"application/problem+json": {}}}
    for status in (401, 403, 404, 409, 422)
}


def answers(model: type[BaseModel], status: int = 200) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": model}, **PROBLEMS}
