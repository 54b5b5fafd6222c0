"""Benefit payments over HTTP (SPEC PAY-1..3, ISS-6, GOV-6). Amounts in fen."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from sscard.banks.protocol import CreditOutcome
from sscard.kernel.db import MAX_ID
from sscard.payments.rules import MAX_LINES_JSON, Answer, Line, PaymentKind
from sscard.platform.http.request import Body

REFERENCE = r"^[A-Za-z0-9_-]{1,40}$"


class PayerIn(Body):
    name_zh: str = Field(min_length=1, max_length=64, description="e.g. 江苏省养老保险")
    name_en: str = Field(min_length=1, max_length=64)
    kinds: list[PaymentKind] = Field(min_length=1, max_length=8, description="what it pays")
    renew: bool = Field(False, description="a new token; the old one stops working")


class PayerView(BaseModel):
    code: str
    name_zh: str
    name_en: str
    kinds: list[str]
    active: bool
    registered_at: datetime
    token: str | None = Field(None, description="shown once: when registered or renewed")


class LineIn(Body):
    ssn: str = Field(min_length=1, max_length=32, description="the person's social security number")
    amount_fen: int = Field(ge=-MAX_ID, le=MAX_ID, description="fen, 1 to 100,000,000")
    kind: str = Field(max_length=16, description="a PaymentKind the payer is registered for")
    period: str = Field(max_length=7, description="YYYY-MM: the month it is paid for")
    payer_reference: str = Field(max_length=40, description="the payer's: each paid once")

    def domain(self) -> Line:
        return Line(self.ssn, self.amount_fen, self.kind, self.period, self.payer_reference)


class BatchIn(Body):
    reference: str = Field(
        pattern=REFERENCE, description="the payer's batch reference: sent again, the same answer"
    )
    payer_code: str | None = Field(
        None, max_length=16, description="the centre names the payer; a payer's system may omit it"
    )
    lines: list[LineIn] = Field(
        min_length=1,
        max_length=MAX_LINES_JSON,
        description=f"at most {MAX_LINES_JSON}; larger batches come as a file",
    )


class ReasonCount(BaseModel):
    reason: str
    text_zh: str
    text_en: str
    count: int
    total_fen: int


class Outcome(BaseModel):
    count: int
    total_fen: int
    reasons: list[ReasonCount] = Field(description="why held, returned or refused")


class BatchReport(BaseModel):
    batch_id: int
    payer_code: str
    reference: str
    source: str = Field(description="api | file")
    line_count: int
    total_fen: int
    submitted_at: datetime
    outcomes: dict[str, Outcome] = Field(
        description="by status: instructed, held, paid, returned, refused"
    )
    duplicate: bool | None = Field(None, description="the same batch sent again")


class BatchSummary(BaseModel):
    id: int
    payer_code: str
    reference: str
    source: str
    line_count: int
    total_fen: int
    submitted_at: datetime


class PaymentLine(BaseModel):
    payment_id: int
    line: int
    payer_reference: str
    ssn_masked: str
    amount_fen: int
    kind: str
    period: str
    status: str
    reason: str | None = Field(description="held, returned or refused: why (rules.Reason)")
    text_zh: str | None
    text_en: str | None
    card_number_masked: str | None
    bank_code: str | None
    instruction_id: str | None
    answered_at: datetime | None


class MyPayment(BaseModel):
    payment_id: int
    payer_reference: str
    amount_fen: int
    kind: str
    period: str
    status: str
    reason: str | None
    text_zh: str | None
    text_en: str | None
    card_number_masked: str | None
    bank_code: str | None
    instruction_id: str | None
    answered_at: datetime | None
    payer_name_zh: str
    payer_name_en: str
    created_at: datetime


class AnswerIn(Body):
    payment_id: int = Field(ge=1, le=MAX_ID)
    outcome: CreditOutcome
    reason: str | None = Field(
        None,
        pattern=r"^[a-z0-9_]{1,64}$",
        description="refused only: a CreditRefusal value or the bank's own code (a-z, 0-9, _)",
    )

    def domain(self) -> Answer:
        return Answer(self.payment_id, self.outcome is CreditOutcome.CREDITED, self.reason)


class AnswersIn(Body):
    instruction_id: str = Field(min_length=1, max_length=48)
    answers: list[AnswerIn] = Field(min_length=1, max_length=1000)


class AnswersView(BaseModel):
    instruction_id: str
    recorded: int = Field(description="payments ended by this answer")
    duplicates: int = Field(description="payments answered the same before")


class KindStatistics(BaseModel):
    kind: str
    label_zh: str
    outcomes: dict[str, dict[str, int]] = Field(description="status -> count, total_fen")


class Waiting(BaseModel):
    bank_code: str
    instructions: int
    payments: int
    oldest: datetime


class StatisticsView(BaseModel):
    since: datetime
    until: datetime
    kinds: list[KindStatistics]
    unanswered: list[Waiting] = Field(description="instructions a bank has not fully answered")
