"""Collections by mandate over HTTP (SPEC PAY-1). Amounts in fen."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from sscard.banks.protocol import DebitOutcome
from sscard.kernel.db import MAX_ID
from sscard.payments.collections.rules import CollectionKind
from sscard.payments.rules import Answer
from sscard.platform.http.request import Body


class PayeeIn(Body):
    name_zh: str = Field(min_length=1, max_length=64, description="e.g. 常州通用自来水")
    name_en: str = Field(min_length=1, max_length=64)
    kind: CollectionKind = Field(description="what it collects")
    renew: bool = Field(False, description="a new token; the old one stops working")


class PayeeView(BaseModel):
    code: str
    name_zh: str
    name_en: str
    kind: str
    kind_zh: str
    registered_at: datetime
    token: str | None = Field(None, description="shown once: when registered or renewed")


class MandateIn(Body):
    payee_code: str = Field(min_length=1, max_length=16)
    customer_number: str = Field(
        min_length=1, max_length=32, description="the holder's account at the payee"
    )
    max_amount_fen: int = Field(
        ge=-MAX_ID,
        le=MAX_ID,
        description="the most the payee may debit under it in one period (the bill's month), "
        "fen: the debits of a period not refused count together",
    )


class MandateView(BaseModel):
    reference: str
    payee_code: str
    payee_name_zh: str
    payee_name_en: str
    kind: str
    customer_number: str
    max_amount_fen: int = Field(
        description="the most debited under it in one period (YYYY-MM), fen, all debits of the "
        "period not refused together"
    )
    status: str = Field(description="active | revoked")
    signed_at: datetime
    revoked_at: datetime | None


class PayeeMandateView(MandateView):
    mandate_id: int = Field(description="for paging (after_id)")


class DebitIn(Body):
    mandate_reference: str = Field(min_length=1, max_length=24)
    amount_fen: int = Field(
        ge=-MAX_ID,
        le=MAX_ID,
        description="fen; with the period's other debits under the mandate not refused, within "
        "the mandate's limit per period (422 over_mandate_limit says what is left)",
    )
    period: str = Field(
        max_length=7, description="YYYY-MM: the bill's month, the period the limit counts"
    )
    payee_reference: str = Field(
        max_length=40,
        description="the payee's: one debit each; sent again with the same debit, answered as "
        "the first time (200, duplicate true)",
    )


class DebitView(BaseModel):
    debit_id: int
    payee_code: str
    payee_reference: str
    mandate_reference: str
    customer_number: str
    amount_fen: int
    period: str
    status: str = Field(description="instructed | debited | refused")
    reason: str | None
    text_zh: str | None
    text_en: str | None
    bank_code: str | None
    created_at: datetime
    answered_at: datetime | None


class DebitRequested(DebitView):
    duplicate: bool = Field(
        description="true: this payee_reference was asked before; the first debit, unchanged"
    )


class DebitAnswerIn(Body):
    debit_id: int = Field(ge=1, le=MAX_ID)
    outcome: DebitOutcome
    reason: str | None = Field(
        None,
        pattern=r"^[a-z0-9_]{1,64}$",
        description="refused only: a DebitRefusal value or the bank's own code (a-z, 0-9, _)",
    )

    def domain(self) -> Answer:
        return Answer(self.debit_id, self.outcome is DebitOutcome.DEBITED, self.reason)


class DebitAnswersIn(Body):
    answers: list[DebitAnswerIn] = Field(min_length=1, max_length=1000)


class DebitAnswersView(BaseModel):
    recorded: int
    duplicates: int
