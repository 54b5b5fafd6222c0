"""Response shapes of a card, for the OpenAPI document (handlers return plain data)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


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
