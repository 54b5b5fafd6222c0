"""The statistics over HTTP: response shapes for OpenAPI (SPEC GOV-6). No personal data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class Count(BaseModel):
    key: str | int = Field(description="the value counted by: a city, bank, generation or channel")
    n: int = Field(description="how many in the period")


class IssuedAt(BaseModel):
    start: date = Field(description="first day of the day or month counted")
    n: int = Field(description="cards issued (made) in it")


class Issued(BaseModel):
    total: int = Field(description="cards issued (made, SPEC ISS-1) in the period")
    by_city: list[Count] = Field(description="by the city the card was made for")
    by_bank: list[Count] = Field(description="by the card's bank")
    by_generation: list[Count] = Field(description="by card generation")
    over_time: list[IssuedAt] = Field(description="per day (or month for a year), zeros kept")


class LossesAt(BaseModel):
    start: date = Field(description="first day of the day or month counted")
    temporary_loss: int = Field(description="temporary losses taken (LOSS-1)")
    formal_loss: int = Field(description="formal losses taken (LOSS-2)")
    unlock: int = Field(description="unlocks (LOSS-3)")
    loss_lifted: int = Field(description="temporary losses lifted after 7 days (LOSS-1)")


class Losses(BaseModel):
    totals: dict[str, int] = Field(description="each measure over the period")
    over_time: list[LossesAt]


class OpenCount(BaseModel):
    status: str = Field(description="accepted | in_production | produced | ready_for_collection")
    channel: str = Field(description="the channel the application was made through")
    n: int = Field(description="open applications now")


class Applications(BaseModel):
    open: list[OpenCount] = Field(description="open applications now, by state and channel")
    accepted: list[Count] = Field(description="accepted in the period (APP-2), by channel")
    collected: list[Count] = Field(description="collected in the period, by channel")
    withdrawn: list[Count] = Field(description="withdrawn in the period, by channel")


class Overdue(BaseModel):
    city_code: str
    overdue: int = Field(description="not at the outlet after the due date (APP-7), now")
    due_unknown: int = Field(description="due date waiting for a calendar year to be loaded")


class Delivery(BaseModel):
    bank_code: str
    pending: int = Field(description="messages waiting to be delivered to the bank")
    failed: int = Field(description="messages failed, waiting for a replay")


class BenefitPayments(BaseModel):
    kind: str
    paid: int
    paid_fen: int
    held: int
    held_fen: int


class Dashboard(BaseModel):
    city_code: str | None = Field(description="the city shown; null for the whole province")
    since: date = Field(description="first Beijing day of the period")
    until: date = Field(description="last Beijing day of the period (today)")
    days: int = Field(description="7, 30, 90 or 365")
    bucket: Literal["day", "month"] = Field(description="how over_time is cut")
    issued: Issued
    losses: Losses
    applications: Applications
    overdue: list[Overdue] = Field(description="by city")
    deliveries: list[Delivery] | None = Field(
        description="per bank; null for a city's administrator (the outbox is the province's)"
    )
    benefit_payments: list[BenefitPayments] | None = Field(
        None, description="by kind, paid and held (PAY-3); null for a city's administrator"
    )


class Rebuilt(BaseModel):
    counters: int = Field(description="counter rows after the recount")
    at: datetime
